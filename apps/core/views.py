from datetime import datetime, time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone

from .audit import ACTION_LABELS
from .models import AuditEntry, EmailPreference, Notification
from .notifications import NOTIFICATION_KINDS


class AuditFilterForm(forms.Form):
    hide_optional_marks = True  # every filter is optional; saying so on each is noise
    action = forms.ChoiceField(label="Händelse", required=False)
    actor = forms.CharField(label="Utförd av (namn eller e-post)", required=False, max_length=100)
    subject = forms.CharField(label="Objekt eller person", required=False, max_length=100)
    date_from = forms.DateField(
        label="Från och med", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Till och med", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Alla")] + sorted(
            ACTION_LABELS.items(), key=lambda item: item[1]
        )

    def _clean_date(self, name):
        value = self.cleaned_data.get(name)
        # Dates near the ends of the calendar overflow when turned into local time.
        if value is not None and not (1900 <= value.year <= 2999):
            raise forms.ValidationError("Ange ett datum mellan år 1900 och 2999.")
        return value

    def clean_date_from(self):
        return self._clean_date("date_from")

    def clean_date_to(self):
        return self._clean_date("date_to")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "Slutdatum kan inte vara före startdatum.")
        return cleaned


@login_required
def audit_log(request):
    # The administrator role is a global permission; core does not import accounts.
    if not request.user.has_perm("accounts.role_administrator"):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.select_related("actor", "subject_user")
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["actor"]:
            entries = entries.filter(actor__full_name__icontains=data["actor"]) | entries.filter(
                actor__email__icontains=data["actor"]
            )
        if data["subject"]:
            entries = entries.filter(object_repr__icontains=data["subject"]) | entries.filter(
                subject_user__full_name__icontains=data["subject"]
            )
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            entries = entries.filter(
                created_at__gte=timezone.make_aware(
                    datetime.combine(data["date_from"], time.min), tz
                )
            )
        if data["date_to"]:
            entries = entries.filter(
                created_at__lte=timezone.make_aware(datetime.combine(data["date_to"], time.max), tz)
            )
    page = Paginator(entries, 50).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "core/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def favicon(request):
    # Resolved per request: in production the static name carries a content hash.
    return redirect(static("favicon.svg"))


def bench_minimal(request):
    """The yardstick for bench/: a response with no database work, no session, no template."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def notifications(request):
    if request.method == "POST":
        # Marking as read is the only change here; it concerns only the user's own rows.
        Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        return redirect("core:notifications")
    page = Paginator(Notification.objects.filter(recipient=request.user), 30).get_page(
        request.GET.get("sida")
    )
    return render(request, "core/notifications.html", {"page": page})


@login_required
def notification_preferences(request):
    kinds = list(NOTIFICATION_KINDS.items())
    if request.method == "POST":
        chosen = set(request.POST.getlist("email"))
        for kind, _label in kinds:
            EmailPreference.objects.update_or_create(
                user=request.user, kind=kind, defaults={"email_enabled": kind in chosen}
            )
        messages.success(request, "Dina val för e-post är sparade.")
        return redirect("core:notification_preferences")
    disabled = set(
        EmailPreference.objects.filter(user=request.user, email_enabled=False).values_list(
            "kind", flat=True
        )
    )
    rows = [(kind, label, kind not in disabled) for kind, label in kinds]
    return render(request, "core/notification_preferences.html", {"rows": rows})

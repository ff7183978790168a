from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TransitionForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    comment = forms.CharField(
        label=_("Kommentar"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, reason_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if reason_required:
            self.fields["comment"].label = _("Motivering")
            self.fields["comment"].required = True
            self.fields["comment"].error_messages["required"] = _("Ange en motivering.")


class PublishForm(forms.Form):
    when = forms.ChoiceField(
        label=_("När"),
        choices=[("now", _("Publicera nu")), ("later", _("Publicera vid en vald tidpunkt"))],
        widget=forms.RadioSelect,
        initial="now",
    )
    publish_at = forms.DateTimeField(
        label=_("Tidpunkt för publicering"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    next_review_date = forms.DateField(
        label=_("Nästa revision senast"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Normalt inom tre år."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault(
            "next_review_date", (timezone.localdate() + timedelta(days=3 * 365)).isoformat()
        )
        super().__init__(*args, **kwargs)

    def clean_next_review_date(self):
        value = self.cleaned_data["next_review_date"]
        if value <= timezone.localdate():
            raise forms.ValidationError(_("Datum för nästa revision måste ligga i framtiden."))
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("when") == "later":
            publish_at = cleaned.get("publish_at")
            if publish_at is None:
                self.add_error("publish_at", _("Ange när versionen ska publiceras."))
            elif publish_at <= timezone.now():
                self.add_error("publish_at", _("Tidpunkten måste ligga i framtiden."))
        return cleaned

    def transition_data(self) -> dict:
        return {"next_review_date": self.cleaned_data["next_review_date"].isoformat()}

    def planned_for(self):
        """The time chosen for a later publication, or None to publish now."""
        if self.cleaned_data["when"] == "later":
            return self.cleaned_data["publish_at"]
        return None

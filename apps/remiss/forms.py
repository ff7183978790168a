from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.accounts.models import Organisation
from apps.core.forms import apply_validation_error
from apps.core.uploads import DocumentField

from . import services
from .models import ConsultationKind


class WindowSelect(forms.RadioSelect):
    """The windows as radio buttons, each marked with its kind (or "manual" for dates set by
    hand), so that remiss-open.js can show only the chosen kind's windows."""

    kinds: dict[str, str] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"]["data-window-kind"] = (
            "manual" if value == services.MANUAL else self.kinds.get(str(value), "")
        )
        return option


class OrganisationMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _window_label(window) -> str:
    days = ngettext("%(days)s dag", "%(days)s dagar", window.days) % {"days": window.days}
    return f"{window} ({days})"


def window_choices(today=None) -> list:
    """The coming windows of each kind, grouped by kind, then "egna datum"."""
    groups = [
        (
            str(label),
            [(w.key, _window_label(w)) for w in services.offered_windows(kind, today)],
        )
        for kind, label in ConsultationKind.choices
    ]
    return [*groups, (services.MANUAL, _("Egna datum (ange datum och motivering nedan)"))]


class OpenConsultationForm(forms.Form):
    """What the national editor chooses when sending an edition on remiss: the kind, a window
    of the calendar (or dates set by hand, with a reason), the recipients, and what goes out
    with the text. The checks are the service's own (services.plan_round), so the form says
    beside each field exactly what opening the round would refuse."""

    kind = forms.ChoiceField(
        label=_("Typ av remiss"),
        choices=ConsultationKind.choices,
        initial=ConsultationKind.REMISS,
        help_text=_("En synpunktsinhämtning går bara till regionerna."),
    )
    window = forms.ChoiceField(
        label=_("Remissperiod"),
        widget=WindowSelect(attrs={"data-window-changed": _("Remissperioden är nu")}),
        help_text=_(
            "Välj ett av de kommande fönstren för den typ av remiss du valt. En remiss i ett "
            "senare fönster öppnar för mottagarna den dagen fönstret börjar."
        ),
        error_messages={"required": _("Välj när remissen ska gå ut.")},
    )
    opens_on = forms.DateField(
        label=_("Öppnar (egna datum)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Lämna tomt för att öppna i dag."),
    )
    closes_on = forms.DateField(
        label=_("Sista svarsdag (egna datum)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("En vardag som inte är helgdag, minst %(days)s dagar efter öppningsdagen."),
    )
    dates_reason = forms.CharField(
        label=_("Motivering till egna datum"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Krävs när remissen inte går ut i ett av kalenderns fönster."),
    )
    regions = OrganisationMultipleChoiceField(
        label=_("Regioner"),
        queryset=Organisation.objects.regions().active(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Alla 21 regioner är förvalda."),
    )
    organisations = OrganisationMultipleChoiceField(
        label=_("Andra organisationer"),
        queryset=Organisation.objects.other_bodies().active(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Bara vid remiss: professionsföreningar, patientorganisationer, kommuner, myndigheter."
        ),
    )
    cover_letter = forms.CharField(
        label=_("Följebrev"),
        required=False,
        max_length=services.COVER_LETTER_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Skickas med texten till mottagarna."),
    )
    impact_statement = DocumentField(
        label=_("Nationell konsekvensbeskrivning"),
        help_text=_("PDF eller Word (DOCX), högst 10 MB."),
    )

    class Media:
        # Progressive enhancement: without the script every window and field is shown.
        js = [forms.Script("js/remiss-open.js", defer=True)]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        today = timezone.localdate()
        self.today = today
        kwargs["initial"].setdefault("regions", list(Organisation.objects.regions().active()))
        kwargs["initial"].setdefault("window", services.next_window(today=today).key)
        super().__init__(*args, **kwargs)
        self.fields["window"].choices = window_choices(today)
        self.fields["window"].widget.kinds = {
            w.key: kind
            for kind in ConsultationKind.values
            for w in services.offered_windows(kind, today)
        }
        self.fields["closes_on"].help_text = self.fields["closes_on"].help_text % {
            "days": services.calendar.minimum_days()
        }

    def _data_for_plan(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data.get("kind"),
            "window": data.get("window"),
            "opens_on": data.get("opens_on"),
            "closes_on": data.get("closes_on"),
            "dates_reason": data.get("dates_reason", ""),
            "recipient_ids": [o.pk for o in data.get("regions", [])]
            + [o.pk for o in data.get("organisations", [])],
            "cover_letter": data.get("cover_letter", ""),
            "impact_statement": data.get("impact_statement") or None,
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            # A field that could not be read (a date that is not one) says so first.
            return cleaned
        manual = cleaned.get("window") == services.MANUAL
        if not manual and (cleaned.get("opens_on") or cleaned.get("closes_on")):
            self.add_error(
                "window",
                _("Välj ”Egna datum” för att använda datumen du har angett, eller töm dem."),
            )
            return cleaned
        try:
            self.plan = services.plan_round(self._data_for_plan(), today=self.today)
        except ValidationError as exc:
            apply_validation_error(self, exc)
        return cleaned

    def transition_data(self) -> dict:
        data = self._data_for_plan()
        for day in ("opens_on", "closes_on"):
            data[day] = data[day].isoformat() if data[day] else ""
        return data


class ExtensionForm(forms.Form):
    until = forms.DateField(
        label=_("Ny sista svarsdag"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("En vardag efter remissens sista svarsdag."),
    )
    reason = forms.CharField(
        label=_("Skäl till förlängningen"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Ange skälet till förlängningen.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["until"].error_messages["required"] = _("Ange det nya sista svarsdatumet.")

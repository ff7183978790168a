from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organisation

from .models import ConsultationKind


class OrganisationMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class OpenConsultationForm(forms.Form):
    """What the national editor chooses when sending an edition on remiss."""

    kind = forms.ChoiceField(
        label=_("Typ av remiss"), choices=ConsultationKind.choices, initial=ConsultationKind.REMISS
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
    )
    closes_on = forms.DateField(
        label=_("Sista svarsdag"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("regions", list(Organisation.objects.regions().active()))
        kwargs["initial"].setdefault(
            "closes_on", (timezone.localdate() + timedelta(weeks=8)).isoformat()
        )
        super().__init__(*args, **kwargs)

    def clean_closes_on(self):
        closes_on = self.cleaned_data["closes_on"]
        if closes_on <= timezone.localdate():
            raise forms.ValidationError(_("Sista svarsdag måste ligga efter i dag."))
        if closes_on > timezone.localdate() + timedelta(days=366):
            raise forms.ValidationError(_("Sista svarsdag kan ligga högst ett år fram."))
        return closes_on

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("regions") and not cleaned.get("organisations"):
            raise forms.ValidationError(_("Välj minst en mottagare."))
        return cleaned

    def transition_data(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "closes_on": data["closes_on"].isoformat(),
            "recipient_ids": [o.pk for o in data["regions"]]
            + [o.pk for o in data["organisations"]],
        }

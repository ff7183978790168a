from django import forms
from django.utils.translation import gettext_lazy as _

from apps.authoring.models import CareLevel

from .models import AdditionKind
from .services import addition_problems


class AdditionForm(forms.Form):
    """The addition's fields, with the same rules as the services (addition_problems), so
    that every message stands beside its field."""

    kind = forms.ChoiceField(
        label=_("Typ av tillägg"), choices=AdditionKind.choices, widget=forms.RadioSelect
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown. Skriv hur regionen gör, eller var den gör annorlunda och hur."),
    )
    care_level = forms.ChoiceField(
        label=_("Vårdnivå"),
        choices=CareLevel.choices,
        initial=CareLevel.BOTH,
        help_text=_("Läsare som har valt en annan vårdnivå ser inte tillägget."),
    )
    contact = forms.CharField(
        label=_("Kontakt"),
        required=False,
        max_length=200,
        help_text=_("Till exempel mottagning och telefonnummer."),
    )
    link = forms.CharField(
        label=_("Länk"),
        required=False,
        max_length=200,
        help_text=_("En fullständig adress som börjar med https://."),
        widget=forms.URLInput,
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, confirm_for: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if confirm_for:
            self.fields["confirm"] = forms.BooleanField(
                label=_(
                    "Tillägget stämmer med den nya nationella texten: bekräfta det för "
                    "version %(number)s när jag sparar"
                )
                % {"number": confirm_for},
                required=False,
                initial=True,
            )

    def clean(self):
        data = super().clean()
        problems = addition_problems(
            kind=data.get("kind", ""),
            body=data.get("body", "") or "",
            care_level=data.get("care_level", ""),
            contact=data.get("contact", "") or "",
            link=(data.get("link", "") or "").strip(),
        )
        for field, messages in problems.items():
            if field in self.fields and field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "body": data["body"],
            "care_level": data["care_level"],
            "contact": data["contact"],
            "link": data["link"],
        }


class VersionForm(forms.Form):
    """The lock_version of a button (publish, archive, confirm)."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput)

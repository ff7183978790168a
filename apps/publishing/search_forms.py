"""The start page's search form: a GET form, so it works without JavaScript and every search
has an address that can be shared. Every bad value gets a Swedish message beside its field."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organisation
from apps.authoring import icd10
from apps.authoring.models import CareLevel, ProductType

from .search import Filters

# The address's words for the care levels, and what they filter on.
CARE_LEVELS = {"primarvard": CareLevel.PRIMARY, "specialiserad": CareLevel.SPECIALISED}
# Something written like an ICD-10 code ("I50", "i50.9", "F32.1"); anything else is a name.
ICD10_SHAPE = re.compile(r"^[A-Za-z]\d{2}(\.\w{0,4})?$")
MAX_PAGE = 10_000


class SearchForm(forms.Form):
    hide_optional_marks = True  # every field is optional; saying so on each is noise

    q = forms.CharField(
        label=_("Sök"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Skriv högst %(limit_value)d tecken.")},
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    npo = forms.ModelChoiceField(
        label=_("Programområde"),
        queryset=Organisation.objects.programme_areas().order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Alla programområden"),
        error_messages={"invalid_choice": _("Det finns inget programområde med den koden.")},
    )
    produkttyp = forms.ModelChoiceField(
        label=_("Produkttyp"),
        queryset=ProductType.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Alla produkttyper"),
        error_messages={"invalid_choice": _("Det finns ingen produkttyp med den koden.")},
    )
    vardniva = forms.ChoiceField(
        label=_("Vårdnivå"),
        choices=[
            ("", _("Alla vårdnivåer")),
            ("primarvard", _("Primärvård")),
            ("specialiserad", _("Specialiserad vård")),
        ],
        required=False,
        error_messages={
            "invalid_choice": _("Välj primärvård, specialiserad vård eller alla vårdnivåer.")
        },
    )
    diagnos = forms.CharField(
        label=_("Diagnos"),
        help_text=_("ICD-10-kod eller namn på engelska, till exempel I50 eller heart failure."),
        required=False,
        max_length=100,
        error_messages={"max_length": _("Skriv högst %(limit_value)d tecken.")},
    )
    sida = forms.IntegerField(
        label=_("Sida"),
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages={
            "invalid": _("Sidnumret måste vara ett heltal."),
            "min_value": _("Sidnumret måste vara 1 eller större."),
            "max_value": _("Så många sidor finns inte."),
        },
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["npo"].label_from_instance = lambda area: area.display_name
        self.fields["diagnos"].widget.attrs.update(
            {"list": "diagnosis-suggestions", "aria-describedby": "id_diagnos_helptext"}
        )

    def full_clean(self):
        super().full_clean()
        # A field with an error says so to screen readers, and which message is its own.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                described = [attrs.get("aria-describedby", ""), f"id_{name}_error"]
                attrs["aria-describedby"] = " ".join(d for d in described if d)
                attrs["aria-invalid"] = "true"

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())

    def clean_diagnos(self):
        value = " ".join(self.cleaned_data["diagnos"].split())
        if not value:
            return ""
        if ICD10_SHAPE.match(value):
            code = icd10.normalise(value).rstrip(".")
            if not icd10.is_valid(code):
                raise forms.ValidationError(
                    _("”%(code)s” är ingen ICD-10-kod."), params={"code": value}
                )
            return code
        if len(value) < 2:
            raise forms.ValidationError(_("Skriv minst två tecken av diagnosens namn."))
        return value

    def filters(self) -> Filters:
        data = self.cleaned_data
        diagnosis = data.get("diagnos") or ""
        is_code = bool(diagnosis) and bool(ICD10_SHAPE.match(diagnosis))
        return Filters(
            programme_area=data.get("npo"),
            product_type=data.get("produkttyp"),
            care_level=CARE_LEVELS.get(data.get("vardniva") or "", ""),
            diagnosis_code=diagnosis if is_code else "",
            diagnosis_name="" if is_code else diagnosis,
        )

    def page_number(self) -> int:
        return self.cleaned_data.get("sida") or 1

    def variant(self) -> tuple:
        """What the page depends on, normalised, for the public cache's key."""
        data = self.cleaned_data
        return (
            data.get("q") or "",
            getattr(data.get("npo"), "code", ""),
            getattr(data.get("produkttyp"), "code", ""),
            data.get("vardniva") or "",
            data.get("diagnos") or "",
            self.page_number(),
        )

    def address(self, **changes) -> str:
        """The query string of this search (without the page, unless asked for)."""
        from django.http import QueryDict

        query = QueryDict(mutable=True)
        data = self.cleaned_data
        values = {
            "q": data.get("q") or "",
            "npo": getattr(data.get("npo"), "code", ""),
            "produkttyp": getattr(data.get("produkttyp"), "code", ""),
            "vardniva": data.get("vardniva") or "",
            "diagnos": data.get("diagnos") or "",
            **changes,
        }
        for key, value in values.items():
            if value not in ("", None):
                query[key] = str(value)
        return query.urlencode()

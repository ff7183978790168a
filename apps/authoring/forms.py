from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organisation
from apps.core.markdown import validate_markdown_source
from apps.core.widgets import FastSelect

from . import icd10
from .models import (
    PROFESSIONS,
    Basis,
    Block,
    BlockKind,
    CareLevel,
    Depth,
    EditionKind,
    ProductType,
    Strength,
    Support,
)
from .workflow_states import EditionState

BODY_MAX = 100_000


class DiagnosesField(forms.CharField):
    """ICD-10 codes typed as a list ("I50.0, E11.9"); each must exist in the code list."""

    def to_python(self, value):
        return icd10.parse(super().to_python(value) or "")

    def validate(self, value):
        super().validate(value)
        bad = [c for c in value if not icd10.is_valid(c)]
        if bad:
            raise forms.ValidationError(
                _("Okända ICD-10-koder: %(codes)s. Sök fram koden i listan."),
                params={"codes": ", ".join(bad[:10])},
            )

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value


class SupportForm(forms.Form):
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        help_text=_("Börja med tillståndet, till exempel ”Hjärtsvikt – behandling”."),
    )
    product_type = forms.ModelChoiceField(
        label=_("Produkttyp"), queryset=ProductType.objects.filter(allows_new=True)
    )
    programme_area = forms.ModelChoiceField(
        label=_("Nationellt programområde"), queryset=Organisation.objects.none()
    )
    diagnoses = DiagnosesField(
        label=_("Diagnoser (ICD-10)"),
        required=False,
        max_length=500,
        help_text=_("Koder separerade med kommatecken, till exempel I50.0, I50.1."),
    )
    target_professions = forms.MultipleChoiceField(
        label=_("Målgrupp"),
        choices=PROFESSIONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    related_supports = forms.ModelMultipleChoiceField(
        label=_("Relaterade kunskapsstöd"),
        queryset=Support.objects.all(),
        required=False,
        help_text=_(
            "Ett kliniskt kunskapsstöd och vårdförloppet för samma diagnos länkas automatiskt åt båda håll."
        ),
    )

    def __init__(self, *args, programme_areas=None, editing: Support | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if editing is not None:
            # Product type and owning NPO are fixed once a support exists.
            del self.fields["product_type"]
            del self.fields["programme_area"]
            self.fields["related_supports"].queryset = Support.objects.exclude(pk=editing.pk)
        else:
            self.fields["programme_area"].queryset = programme_areas

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if len(title) < 3:
            raise forms.ValidationError(_("Titeln behöver minst tre tecken."))
        return title


class BlockForm(forms.Form):
    # Fields may be saved empty while writing, but the completeness check asks for them
    # before the edition goes further, so calling them optional would mislead.
    hide_optional_marks = True

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    kind = forms.ChoiceField(label=_("Typ"), choices=BlockKind.choices, widget=FastSelect)
    body = forms.CharField(
        label=_("Text (Markdown)"),
        required=False,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8, "data-markdown-editor": ""}),
        strip=False,
        validators=[validate_markdown_source],
    )
    care_level = forms.ChoiceField(
        label=_("Vårdnivå"),
        choices=[("", _("– välj –")), *CareLevel.choices],
        required=False,
        widget=FastSelect,
    )
    depth = forms.ChoiceField(label=_("Djup"), choices=Depth.choices, widget=FastSelect)
    strength = forms.ChoiceField(
        label=_("Styrka"),
        choices=[("", _("– välj –")), *Strength.choices],
        required=False,
        widget=FastSelect,
    )
    basis = forms.ChoiceField(
        label=_("Underlag"),
        choices=[("", _("– välj –")), *Basis.choices],
        required=False,
        widget=FastSelect,
    )
    references = forms.CharField(
        label=_("Referenser"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("En referens per rad. Länkar börjar med https://."),
        strip=False,
        # Rendered as Markdown too (the snapshot keeps references_html).
        validators=[validate_markdown_source],
    )

    # Shown only in an edition built from a published one (see __init__).
    editorial_change = forms.BooleanField(
        label=_("Redaktionell ändring"),
        required=False,
        help_text=_(
            "Endast redaktionell ändring: stavning, formulering eller länkar – ingen ändring i sak"
        ),
    )

    # Strength and basis belong to recommendations only (DOMAIN.md).
    RECOMMENDATION_ONLY = ("strength", "basis")
    PROPERTY_FIELDS = ("kind", "care_level", "depth", "strength", "basis")

    def __init__(
        self, *args, kind: str = BlockKind.RECOMMENDATION, editorial: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        if not editorial:
            # A first edition has no earlier text to change: every block is new.
            del self.fields["editorial_change"]
        if kind != BlockKind.RECOMMENDATION:
            # Not shown, and whatever is posted for them is not read.
            for name in self.RECOMMENDATION_ONLY:
                del self.fields[name]
            self.fields["kind"].help_text = _(
                "Välj Rekommendation och spara för att ange styrka och underlag."
            )

    @classmethod
    def for_block(cls, block: Block, data=None, draft=None, editorial: bool | None = None):
        """The form of one block, with the fields of its kind: the kind posted, when a form
        is sent (an author may change the kind and save), else a draft's or the saved one.
        `editorial`: whether the edition revises a published one, so the change may be
        marked editorial (callers that have the edition at hand pass it; else it is read)."""
        prefix = f"b-{str(block.uid)[:8]}"
        initial = {
            **block.content(),
            "editorial_change": block.editorial_change,
            "lock_version": block.lock_version,
        }
        if draft is not None:
            initial.update(draft.content)
        kind = initial["kind"]
        if data is not None and data.get(f"{prefix}-kind") in BlockKind.values:
            kind = data[f"{prefix}-kind"]
        if editorial is None:
            editorial = block.edition.revises_published
        return cls(data, initial=initial, prefix=prefix, kind=kind, editorial=editorial)

    @property
    def property_fields(self) -> list:
        """The block's properties (kind, care level, ...) this form shows, in order."""
        return [self[name] for name in self.PROPERTY_FIELDS if name in self.fields]

    @property
    def editorial_field(self):
        """The "Redaktionell ändring" checkbox, or None where it is not shown."""
        return self["editorial_change"] if "editorial_change" in self.fields else None

    def editorial_mark(self) -> bool | None:
        """The checkbox as sent, or None when the form does not show it (leave it as is)."""
        if "editorial_change" not in self.fields:
            return None
        return bool(self.cleaned_data.get("editorial_change"))

    def draft_content(self) -> dict:
        """What autosave keeps: the content, and the checkbox when it is shown."""
        mark = self.editorial_mark()
        return self.content() if mark is None else {**self.content(), "editorial_change": mark}

    def content(self) -> dict:
        data = self.cleaned_data
        content = {field: data[field] for field in Block.CONTENT_FIELDS if field in data}
        if content["kind"] == BlockKind.TEXT:
            content["strength"] = ""
            content["basis"] = ""
        return content


class AddBlockForm(forms.Form):
    kind = forms.ChoiceField(label=_("Typ av block"), choices=BlockKind.choices)


class MoveBlockForm(forms.Form):
    section = forms.ModelChoiceField(label=_("Avsnitt"), queryset=None)
    position = forms.IntegerField(label=_("Plats"), min_value=1, max_value=10_000)

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections


class PreviewForm(forms.Form):
    body = forms.CharField(required=False, max_length=BODY_MAX, strip=False)


class NewEditionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Typ av version"), choices=EditionKind.choices)
    change_summary = forms.CharField(
        label=_("Vad ska ändras?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OverviewFilterForm(forms.Form):
    hide_optional_marks = True  # every filter is optional; saying so on each is noise
    q = forms.CharField(label=_("Sök titel, kod eller ICD-10"), required=False, max_length=100)
    npo = forms.ModelChoiceField(
        label=_("Programområde"),
        queryset=Organisation.objects.programme_areas(),
        required=False,
        empty_label=_("Alla"),
    )
    product_type = forms.ModelChoiceField(
        label=_("Produkttyp"),
        queryset=ProductType.objects.all(),
        required=False,
        empty_label=_("Alla"),
    )
    state = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Alla")), *EditionState.choices], required=False
    )
    mine = forms.BooleanField(label=_("Bara mina programområden"), required=False)


class TemplateSectionForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    guidance = forms.CharField(
        label=_("Skrivriktlinjer"), required=False, max_length=10_000, widget=forms.Textarea
    )
    required = forms.BooleanField(label=_("Obligatoriskt avsnitt"), required=False)


class TemplateSectionAddForm(TemplateSectionForm):
    key = forms.SlugField(
        label=_("Nyckel"),
        max_length=60,
        help_text=_("Små bokstäver och bindestreck, till exempel ”egenvard”. Kan inte ändras."),
    )

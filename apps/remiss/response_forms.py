"""Forms of the responses pages: the filters of the comments page and the response table,
and the response to one comment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CommentType, Decision, Position
from .responses import MISSING, MOTIVATION_MAX_LENGTH, Filters


class CommentFilterForm(forms.Form):
    """A GET form: an unknown value is shown beside its field and filters nothing."""

    hide_optional_marks = True

    mottagare = forms.TypedChoiceField(label=_("Remissinstans"), required=False, coerce=int)
    typ = forms.ChoiceField(
        label=_("Typ av synpunkt"),
        required=False,
        choices=[("", _("Alla typer")), *CommentType.choices],
    )
    stallning = forms.ChoiceField(
        label=_("Ställningstagande"),
        required=False,
        choices=[("", _("Alla ställningstaganden")), *Position.choices],
    )
    bemotande = forms.ChoiceField(
        label=_("Bemötande"),
        required=False,
        choices=[("", _("Alla")), (MISSING, _("Saknar bemötande")), *Decision.choices],
    )

    def __init__(self, data=None, *, recipients=()):
        super().__init__(data)
        self.fields["mottagare"].choices = [("", _("Alla remissinstanser"))] + [
            (r.pk, r.organisation.name) for r in recipients
        ]

    def filters(self) -> Filters:
        if not self.is_bound:
            return Filters()
        self.is_valid()  # a field with an error is left out of cleaned_data: no filter
        cleaned = self.cleaned_data
        return Filters(
            recipient=cleaned.get("mottagare") or None,
            type=cleaned.get("typ") or "",
            position=cleaned.get("stallning") or "",
            response=cleaned.get("bemotande") or "",
        )


class ResponseForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Beslut"), choices=Decision.choices, widget=forms.RadioSelect
    )
    motivation = forms.CharField(
        label=_("Motivering"),
        max_length=MOTIVATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Vad gjordes med synpunkten, och varför."),
    )
    applied_block_uid = forms.ChoiceField(
        label=_("Tillämpad i block"),
        required=False,
        help_text=_("Blocket i den nya texten där synpunkten har tillämpats."),
    )
    lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, blocks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applied_block_uid"].choices = [
            ("", _("Inte tillämpad i något block")),
            *blocks,
        ]

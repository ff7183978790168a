"""The forms of a recipient's answer: the answer itself, a comment at a block, declining, and
the confirmations that carry a lock_version. The rules live in answers.py; the forms put
their messages beside the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.uploads import DocumentField

from .answers import answer_problems, comment_problems
from .models import AmbitionAnswer, CommentType, Position

TEXT_MAX = 20_000


def version_field(*, required=True) -> forms.IntegerField:
    """The lock_version the page was drawn from; only a tampered or very old page lacks it."""
    return forms.IntegerField(
        label=_("Version"),
        widget=forms.HiddenInput,
        min_value=0,
        required=required,
        error_messages={
            "required": _("Sidan är för gammal. Ladda om den och försök igen."),
            "invalid": _("Sidan är för gammal. Ladda om den och försök igen."),
            "min_value": _("Sidan är för gammal. Ladda om den och försök igen."),
        },
    )


class AnswerForm(forms.Form):
    # Everything is optional in a draft; the hints say what submitting needs.
    hide_optional_marks = True

    lock_version = version_field()
    position = forms.ChoiceField(
        label=_("Ställer ni er bakom förslaget?"),
        choices=Position.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Krävs när svaret skickas in."),
    )
    position_motivation = forms.CharField(
        label=_("Motivering"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=TEXT_MAX,
        help_text=_("Krävs när svaret är ja med reservationer eller nej."),
    )
    ambition = forms.ChoiceField(
        label=_("Är ambitionsnivån realistisk för de flesta regioner här och nu?"),
        choices=AmbitionAnswer.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    ambition_motivation = forms.CharField(
        label=_("Varför inte?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=TEXT_MAX,
        help_text=_("Krävs när ambitionsnivån inte är realistisk."),
    )
    general_comment = forms.CharField(
        label=_("Övergripande synpunkter"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=TEXT_MAX,
    )
    impact_statement = DocumentField(
        label=_("Egen konsekvensbeskrivning"),
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx"}),
        help_text=_("PDF eller Word (DOCX). En ny fil ersätter den som finns."),
    )
    remove_impact_statement = forms.BooleanField(
        label=_("Ta bort den bifogade konsekvensbeskrivningen"), required=False
    )

    @classmethod
    def for_answer(cls, answer, *, lock_version: int, **kwargs):
        initial = {"lock_version": lock_version}
        if answer is not None:
            initial.update(
                position=answer.position,
                position_motivation=answer.position_motivation,
                ambition=answer.ambition,
                ambition_motivation=answer.ambition_motivation,
                general_comment=answer.general_comment,
            )
        return cls(initial=initial, **kwargs)

    def clean(self):
        cleaned = super().clean()
        for field, message in answer_problems(
            position=cleaned.get("position", ""),
            position_motivation=cleaned.get("position_motivation", ""),
            ambition=cleaned.get("ambition", ""),
            ambition_motivation=cleaned.get("ambition_motivation", ""),
        ).items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "position": data["position"],
            "position_motivation": data["position_motivation"],
            "ambition": data["ambition"],
            "ambition_motivation": data["ambition_motivation"],
            "general_comment": data["general_comment"],
            "impact_statement": data["impact_statement"] or None,
            "remove_impact_statement": data["remove_impact_statement"],
        }


class CommentForm(forms.Form):
    """A comment at one block. Without JavaScript the quote is pasted into the text field;
    remiss-quote.js fills it, and its start in the block's text, from the reader's
    selection. The server finds the start itself when it is missing or wrong."""

    lock_version = version_field(required=False)
    type = forms.ChoiceField(
        label=_("Typ av synpunkt"), choices=CommentType.choices, widget=forms.RadioSelect
    )
    quote = forms.CharField(
        label=_("Citat ur texten"),
        widget=forms.Textarea(attrs={"rows": 2, "data-quote-field": ""}),
        required=False,
        max_length=TEXT_MAX,
        help_text=_(
            "Markera orden i blocket och välj ”Citera markerad text”, eller klistra in dem här."
        ),
    )
    # Where the quote starts in the block's text, as the script counted it. Only a hint: a
    # missing or wrong one is found again on the server, so a bad value is no error.
    quote_start = forms.CharField(
        label=_("Citatets början"),
        widget=forms.HiddenInput(attrs={"data-quote-start": ""}),
        required=False,
    )
    text = forms.CharField(
        label=_("Synpunkt"), widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX
    )

    def __init__(self, *args, snapshot_block, **kwargs):
        super().__init__(*args, **kwargs)
        self.snapshot_block = snapshot_block
        self.anchored = ("", None)
        self.fields["text"].error_messages["required"] = _("Skriv synpunkten.")
        self.fields["type"].error_messages["required"] = _("Välj vilken typ av synpunkt det är.")

    @classmethod
    def for_comment(cls, comment, **kwargs):
        return cls(
            initial={
                "lock_version": comment.lock_version,
                "type": comment.type,
                "quote": comment.quote,
                "quote_start": comment.quote_start,
                "text": comment.text,
            },
            snapshot_block=comment.snapshot_block,
            **kwargs,
        )

    def clean_quote_start(self) -> int | None:
        value = (self.cleaned_data.get("quote_start") or "").strip()
        return int(value) if value.isdigit() and len(value) < 10 else None

    def clean(self):
        cleaned = super().clean()
        problems, self.anchored = comment_problems(
            snapshot_block=self.snapshot_block,
            type=cleaned.get("type") or "",
            text=cleaned.get("text") or "",
            quote=cleaned.get("quote") or "",
            quote_start=cleaned.get("quote_start"),
        )
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "type": data["type"],
            "text": data["text"],
            "quote": data["quote"],
            "quote_start": data["quote_start"],
        }

    def mine(self) -> dict:
        """What the writer sent, also when it did not validate: for the conflict page."""
        return {
            name: self.data.get(self.add_prefix(name), "") for name in ("type", "quote", "text")
        }


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Varför avstår ni från att svara?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX,
        help_text=_("Skälet visas för den nationella redaktionen på remissens sida."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _(
            "Skriv varför ni avstår från att svara."
        )


class VersionForm(forms.Form):
    """A confirmation (submit, remove a comment) that carries what the person saw."""

    lock_version = version_field()

"""The states of an edition. The transitions between them live in workflow.py; the states are
here, apart, because models and the completeness check need them too."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EditionState(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    INTERNAL_REVIEW = "internal_review", _("Intern granskning")
    READY_FOR_CONSULTATION = "ready_for_consultation", _("Godkänd för remiss")
    IN_CONSULTATION = "in_consultation", _("På remiss")
    REVISION = "revision", _("Bearbetning efter remiss")
    AWAITING_NPO_APPROVAL = "awaiting_npo_approval", _("Väntar på NPO-godkännande")
    EDITORIAL_REVIEW = "editorial_review", _("Redaktionell granskning")
    APPROVED = "approved", _("Godkänd för publicering")
    PUBLISHED = "published", _("Publicerad")
    SUPERSEDED = "superseded", _("Ersatt")
    WITHDRAWN = "withdrawn", _("Avpublicerad")
    ABANDONED = "abandoned", _("Avbruten")


# Content can change only while the authors hold the edition.
EDITABLE_STATES = frozenset({EditionState.DRAFT, EditionState.REVISION})
# These are the record of what was published: never changed again, by anyone.
FROZEN_STATES = frozenset({EditionState.PUBLISHED, EditionState.SUPERSEDED, EditionState.WITHDRAWN})
# An edition in one of these is finished; a support can have at most one other.
CLOSED_STATES = FROZEN_STATES | {EditionState.ABANDONED}

"""The authoring views, one module per area; urls.py refers to them through this package."""

from .common import edition_url
from .editions import edition_detail, edition_step
from .editor import (
    block_add,
    block_autosave,
    block_move,
    block_preview,
    block_remove,
    block_save,
    section_edit,
    section_presence,
)
from .history import block_history, block_reinstate, block_restore, edition_compare, history
from .supports import (
    edition_start,
    icd10_search,
    support_create,
    support_detail,
    support_edit,
    support_list,
)
from .templates import (
    template_list,
    template_section_add,
    template_section_edit,
    template_section_move,
)

__all__ = [
    "block_add",
    "block_autosave",
    "block_history",
    "block_move",
    "block_preview",
    "block_reinstate",
    "block_remove",
    "block_restore",
    "block_save",
    "edition_compare",
    "edition_detail",
    "edition_start",
    "edition_step",
    "edition_url",
    "history",
    "icd10_search",
    "section_edit",
    "section_presence",
    "support_create",
    "support_detail",
    "support_edit",
    "support_list",
    "template_list",
    "template_section_add",
    "template_section_edit",
    "template_section_move",
]

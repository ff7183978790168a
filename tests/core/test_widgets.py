"""FastSelect renders the same markup as Django's template-rendered Select."""

import pytest
from django import forms
from django.test.html import parse_html

from apps.core.widgets import FastSelect

CHOICES = [("", "– välj –"), ("bor", "Bör"), ("bor_inte", "Bör inte <b>"), ("fou", "FoU & mer")]
GROUPED = [("Vårdnivå", [("primary", "Primärvård"), ("both", "Båda")]), ("x", "Ensam")]


@pytest.mark.parametrize(
    ("choices", "value", "attrs"),
    [
        (CHOICES, "bor", {"id": "id_s", "required": True}),
        (CHOICES, "", {"id": "id_s", "aria-describedby": "id_s_error", "aria-invalid": "true"}),
        (CHOICES, None, {}),
        (CHOICES, "finns-inte", {"class": 'x"y'}),
        (GROUPED, "both", {"id": "id_g"}),
    ],
)
def test_fast_select_markup_equals_djangos(choices, value, attrs):
    fast = FastSelect(choices=choices).render("strength", value, attrs=attrs)
    django = forms.Select(choices=choices).render("strength", value, attrs=attrs)
    assert parse_html(fast) == parse_html(django)


def test_fast_select_escapes_labels_and_values():
    html = FastSelect(choices=[('"><script>', "<script>alert(1)</script>")]).render("k", None)
    assert "<script>" not in html

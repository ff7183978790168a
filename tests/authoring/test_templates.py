"""National editors keep the templates: reorder sections. New editions follow the template;
existing editions keep the sections they were built with."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.authoring import services
from apps.authoring.models import ProductType
from apps.core.models import AuditEntry
from tests.authoring import helpers

pytestmark = pytest.mark.django_db


def keys(product_type):
    return list(product_type.template_sections.order_by("position").values_list("key", flat=True))


def test_moving_a_template_section_up_changes_new_editions_only(national_editor, author):
    product_type = helpers.clinical()
    existing = helpers.working_edition(helpers.make_support(author))
    before = keys(product_type)
    version = product_type.template_version
    moved = product_type.template_sections.get(key="behandling")

    services.template_section_move(actor=national_editor, template_section=moved, direction="up")

    after = keys(product_type)
    index = before.index("behandling")
    assert after[index - 1 : index + 1] == ["behandling", before[index - 1]]
    assert ProductType.objects.get(pk=product_type.pk).template_version == version + 1
    assert list(existing.sections.order_by("position").values_list("key", flat=True)) == before
    new = helpers.working_edition(helpers.make_support(author, title="Ny text om hjärtsvikt"))
    assert list(new.sections.order_by("position").values_list("key", flat=True)) == after
    assert AuditEntry.objects.filter(action="template.updated").count() == 1


def test_moving_the_first_section_up_changes_nothing(national_editor):
    product_type = helpers.clinical()
    before = keys(product_type)
    first = product_type.template_sections.get(key=before[0])

    services.template_section_move(actor=national_editor, template_section=first, direction="up")

    assert keys(product_type) == before


def test_only_national_editors_reorder_templates_and_direction_is_checked(author, national_editor):
    section = helpers.clinical().template_sections.get(key="behandling")
    with pytest.raises(PermissionDenied):
        services.template_section_move(actor=author, template_section=section, direction="up")
    with pytest.raises(ValidationError):
        services.template_section_move(
            actor=national_editor, template_section=section, direction="sidledes"
        )


def test_move_view_refuses_authors_and_redirects_editors(author, national_editor, client_for):
    url = "/kunskapsstod/mallar/kliniskt-kunskapsstod/behandling/flytta/"
    before = keys(helpers.clinical())

    assert client_for(author).post(url, {"direction": "down"}).status_code == 403
    assert keys(helpers.clinical()) == before

    response = client_for(national_editor).post(url, {"direction": "down"})
    assert response.status_code == 302
    assert keys(helpers.clinical()) != before
    bad = client_for(national_editor).post(url, {"direction": ""}, follow=True)
    assert "Välj upp eller ned." in bad.content.decode()

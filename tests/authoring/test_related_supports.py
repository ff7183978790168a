"""A clinical support and the care pathway on the same diagnosis link each other, both ways,
without anyone having to remember to (DOMAIN.md, "What is written")."""

import pytest

from apps.authoring import services
from tests.authoring import helpers

pytestmark = pytest.mark.django_db


def test_a_new_care_pathway_links_the_clinical_support_on_the_same_diagnosis(author):
    clinical = helpers.make_support(author, diagnoses=["I50.0"])
    unrelated = helpers.make_support(author, title="Förmaksflimmer", diagnoses=["I48.9"])

    pathway = helpers.make_support(
        author,
        title="Hjärtsvikt – vårdförlopp",
        product_type=helpers.care_pathway(),
        diagnoses=["I50.0", "I50.9"],
    )

    assert list(pathway.related_supports.all()) == [clinical]
    assert list(clinical.related_supports.all()) == [pathway]
    assert not unrelated.related_supports.exists()


def test_two_clinical_supports_on_one_diagnosis_are_not_linked_automatically(author):
    first = helpers.make_support(author, diagnoses=["I50.0"])
    second = helpers.make_support(author, title="Hjärtsvikt – uppföljning", diagnoses=["I50.0"])

    assert not first.related_supports.exists()
    assert not second.related_supports.exists()


def test_adding_the_diagnosis_later_links_them_too(author):
    clinical = helpers.make_support(author, diagnoses=["I50.0"])
    pathway = helpers.make_support(
        author, title="Hjärtsvikt – vårdförlopp", product_type=helpers.care_pathway()
    )
    assert not pathway.related_supports.exists()

    services.support_update(
        actor=author,
        support=pathway,
        title=pathway.title,
        diagnoses=["I50.0"],
        target_professions=[],
        related_supports=[],
    )

    assert list(clinical.related_supports.all()) == [pathway]

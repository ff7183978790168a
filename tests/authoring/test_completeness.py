"""The completeness check before an edition leaves the authors: each rule passes and fails,
and a complete edition has no problems at all."""

import pytest

from apps.authoring.completeness import check_edition
from apps.authoring.models import Section
from tests.authoring.helpers import COMPLETE_RECOMMENDATION, COMPLETE_TEXT, add_block, save

pytestmark = pytest.mark.django_db

GOOD_BODY = (
    "## Dosering\n\n"
    "Behandling med ACE-hämmare bör inledas i låg dos. Se "
    "[Läkemedelsverket](https://www.lakemedelsverket.se/behandling) och "
    "[avsnittet om utredning](#section-utredning), eller mejla "
    "[kansliet](mailto:kansli@example.se)."
)
GOOD_REFERENCES = (
    "McDonagh TA et al. 2021 ESC Guidelines for heart failure. https://doi.org/10.1093/eurheartj/ehab368\n"
    "[Socialstyrelsen](https://www.socialstyrelsen.se/riktlinjer)"
)


@pytest.fixture
def complete(author, edition):
    """Every required section has a complete recommendation; optional ones stay empty."""
    blocks = {}
    for section in edition.sections.filter(required=True):
        blocks[section.key] = add_block(
            author, section, GOOD_BODY, **{**COMPLETE_RECOMMENDATION, "references": GOOD_REFERENCES}
        )
    assert blocks
    return blocks


def problems_of(edition):
    return [p.message for p in check_edition(edition)]


def test_a_complete_edition_has_no_problems(edition, complete):
    assert check_edition(edition) == []


def test_a_complete_edition_is_checked_in_two_queries(edition, complete, django_assert_num_queries):
    with django_assert_num_queries(2):
        check_edition(edition)


def test_an_optional_section_may_be_empty(edition, complete):
    optional = edition.sections.filter(required=False)
    assert optional.exists()
    assert not optional.filter(blocks__isnull=False).exists()
    assert problems_of(edition) == []


def test_required_section_without_text_is_a_problem(author, edition, complete):
    section = Section.objects.get(edition=edition, key="behandling")
    save(author, complete["behandling"], body="   \n\n ")

    problems = check_edition(edition)

    messages = [p.message for p in problems]
    assert f"Avsnittet ”{section.title}” är obligatoriskt men saknar text." in messages
    assert f"{section.title}, block 1: blocket är tomt." in messages
    assert len(problems) == 2
    assert problems[0].section == section
    assert problems[0].anchor == "section-behandling"
    assert problems[1].anchor == f"block-{complete['behandling'].uid}"


def test_required_section_with_no_block_is_a_problem(edition):
    required = list(edition.sections.filter(required=True))
    messages = problems_of(edition)
    assert messages == [
        f"Avsnittet ”{s.title}” är obligatoriskt men saknar text." for s in required
    ]


def test_block_without_care_level_is_a_problem(author, edition, complete):
    save(author, complete["behandling"], care_level="")
    title = Section.objects.get(edition=edition, key="behandling").title
    assert problems_of(edition) == [f"{title}, block 1: vårdnivå saknas."]


def test_text_block_needs_no_strength_or_basis(author, edition, complete):
    save(author, complete["behandling"], **{**COMPLETE_TEXT, "body": GOOD_BODY})
    assert problems_of(edition) == []


@pytest.mark.parametrize(
    ("missing", "reason"),
    [
        ({"strength": ""}, "rekommendationen saknar styrka (bör, kan, bör inte …)"),
        ({"basis": ""}, "rekommendationen saknar underlag (vetenskap eller beprövad erfarenhet)"),
    ],
)
def test_recommendation_without_strength_or_basis_is_a_problem(
    author, edition, complete, missing, reason
):
    save(author, complete["behandling"], **missing)
    title = Section.objects.get(edition=edition, key="behandling").title
    assert problems_of(edition) == [f"{title}, block 1: {reason}."]


def test_empty_heading_is_a_problem(author, edition, complete):
    title = Section.objects.get(edition=edition, key="behandling").title
    for heading in ["## ", "##", "###   ", "  #", "## ##"]:
        body = f"Inledning.\n\n{heading}\n\nText under rubriken."
        save(author, complete["behandling"], body=body)
        assert problems_of(edition) == [f"{title}, block 1: texten har en tom rubrik."], heading


def test_a_heading_with_text_is_not_a_problem(author, edition, complete):
    for text in ["## Dosering", "#hashtag i löptext", "C# och F#"]:
        save(author, complete["behandling"], body=f"Inledning.\n\n{text}\n\nText.")
        assert problems_of(edition) == [], text


MALFORMED = [
    ("javascript:alert(1)", "ska börja med https://"),
    ("JavaScript:alert(1)", "ska börja med https://"),
    ("ftp://ftp.example.se/riktlinje.pdf", "ska börja med https://"),
    ("https://", "är inte en giltig webbadress"),
    ("https://.se", "är inte en giltig webbadress"),
    ("mailto:inte-en-adress", "är inte en giltig adress"),
    ("mailto:", "är inte en giltig adress"),
    ("", "en länk saknar adress"),
]


def test_malformed_link_in_the_body_is_a_problem(author, edition, complete):
    for url, reason in MALFORMED:
        save(author, complete["behandling"], body=f"Läs [riktlinjen]({url}) före behandling.")
        problems = problems_of(edition)
        assert len(problems) == 1, (url, problems)
        assert reason in problems[0], url


def test_malformed_markdown_link_in_the_references_is_reported_once(author, edition, complete):
    title = Section.objects.get(edition=edition, key="behandling").title
    for url, reason in MALFORMED:
        save(author, complete["behandling"], references=f"Bra källa.\n[Riktlinjen]({url})")
        problems = problems_of(edition)
        assert len(problems) == 1, (url, problems)
        assert problems[0].startswith(f"{title}, block 1: referens: "), url
        assert reason in problems[0], url


def test_unfinished_bare_url_in_the_references_is_a_problem(author, edition, complete):
    for reference in [
        "Socialstyrelsen. Nationella riktlinjer. https://inte..giltig",
        "Socialstyrelsen. Nationella riktlinjer. https://",
        "Socialstyrelsen. Nationella riktlinjer. http://",
    ]:
        save(author, complete["behandling"], references=reference)
        problems = problems_of(edition)
        assert len(problems) == 1, (reference, problems)
        assert "referens: länken" in problems[0], reference


def test_well_formed_references_pass(author, edition, complete):
    for reference in [
        "Socialstyrelsen 2024. https://www.socialstyrelsen.se/riktlinjer.",
        "(se https://www.1177.se/sjukdomar)",
        "Utan länk alls, bara en tryckt källa.",
        "[Kansliet](mailto:kansli@example.se)",
    ]:
        save(author, complete["behandling"], references=reference)
        assert problems_of(edition) == [], reference


def test_problems_come_in_the_order_of_the_text(author, edition, complete):
    sections = list(edition.sections.filter(required=True).order_by("position"))
    first, last = sections[0], sections[-1]
    save(author, complete[last.key], care_level="")
    save(author, complete[first.key], strength="")
    second = add_block(author, first, "", kind="text", care_level="both")

    problems = check_edition(edition)

    assert [(p.section.key, p.block.uid if p.block else None) for p in problems] == [
        (first.key, complete[first.key].uid),
        (first.key, second.uid),
        (last.key, complete[last.key].uid),
    ]
    assert problems[1].message == f"{first.title}, block 2: blocket är tomt."

"""The answer pages: the frozen text with the comments at their blocks and the answer form;
bad input answers 400 with the Swedish message beside the field and saves nothing; a stale
lock_version answers 409 with both texts kept; the closing date and the extension; the quote
checked on the server; a fixed number of queries however many comments."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.authoring.models import Block
from apps.remiss import answers
from apps.remiss.models import Answer, Comment, Consultation, Recipient, RecipientStatus
from tests.remiss.helpers import (
    HOME,
    add_comment,
    answer_form_data,
    answer_path,
    blocks_of,
    current_answer,
    docx_upload,
    member,
    pdf_upload,
    recipient_of,
    recognised,
    round_with_text,
    save_answer,
    submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_coordinator(client_for, coordinator):
    return client_for(coordinator)


@pytest.fixture
def as_reviewer(client_for, reviewer):
    return client_for(reviewer)


def text_of(response) -> str:
    return response.content.decode()


def field_error(response, field_id: str) -> str:
    """The error message shown beside the field with this id (the wrapper's error block)."""
    html = text_of(response)
    match = re.search(
        r'<div class="field-errors" id="' + re.escape(field_id) + r'_error">(.*?)</div>',
        html,
        re.DOTALL,
    )
    assert match, f"no error beside {field_id}"
    return re.sub(r"<[^>]+>", "", match.group(1)).replace("Fel:", "").strip()


def footprint():
    return (
        list(
            Answer.objects.order_by("pk").values_list(
                "position",
                "position_motivation",
                "general_comment",
                "impact_statement",
                "lock_version",
            )
        ),
        list(Comment.objects.order_by("pk").values_list("text", "quote", "lock_version")),
        list(Recipient.objects.order_by("pk").values_list("status", "declined_reason")),
    )


# ---------------------------------------------------------------- the page


def test_the_page_shows_the_text_that_went_out_not_the_live_blocks(
    as_reviewer, recipient, consultation
):
    block = blocks_of(consultation)[0]
    Block.objects.filter(uid=block.uid).update(body="Live-text som skrevs efter utskicket.")

    response = as_reviewer.get(answer_path(recipient))

    assert response.status_code == 200
    html = text_of(response)
    assert "Live-text som skrevs efter utskicket" not in html
    assert block.html in html
    assert f'id="block-{block.uid}"' in html
    assert "Texten som skickades på remiss" in html


def test_the_page_shows_the_comments_at_their_blocks_with_the_quote(
    as_reviewer, reviewer, recipient, consultation
):
    first, second, _third = blocks_of(consultation)
    add_comment(reviewer, recipient, second, text="Ange dosen per kg.", quote="500 mg")

    html = text_of(as_reviewer.get(answer_path(recipient)))

    second_article = html.split(f'id="block-{second.uid}"')[1].split("</article>")[0]
    first_article = html.split(f'id="block-{first.uid}"')[1].split("</article>")[0]
    assert "Ange dosen per kg." in second_article
    assert "<mark>500 mg</mark>" in second_article
    assert "1 synpunkt på blocket" in second_article
    assert "Ange dosen per kg." not in first_article


def test_the_page_links_its_script_and_stylesheet_and_has_no_inline_script(as_reviewer, recipient):
    html = text_of(as_reviewer.get(answer_path(recipient)))

    assert "/static/js/remiss-quote.js" in html
    assert "/static/css/remiss.css" in html
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert " style=" not in html
    assert "data-quote-source" in html and "data-quote-field" in html


def test_a_reviewer_sees_no_submit_or_decline_button_and_is_told_who_submits(
    as_reviewer, recipient
):
    html = text_of(as_reviewer.get(answer_path(recipient)))

    assert answer_path(recipient, "remiss:answer_submit") not in html
    assert answer_path(recipient, "remiss:answer_decline") not in html
    assert "Remissamordnaren skickar in svaret" in html


def test_the_coordinator_sees_what_is_missing_before_submitting(as_coordinator, recipient):
    html = text_of(as_coordinator.get(answer_path(recipient)))

    assert answer_path(recipient, "remiss:answer_submit") in html
    assert "Välj om ni ställer er bakom förslaget" in html


def test_the_closing_date_and_the_days_left_are_shown(as_reviewer, recipient, consultation):
    html = text_of(as_reviewer.get(answer_path(recipient)))

    days = (consultation.closes_on - timezone.localdate()).days
    assert f"({days} dagar kvar)" in html
    assert f'datetime="{consultation.closes_on:%Y-%m-%d}"' in html


def test_a_submitted_answer_is_shown_without_forms(as_reviewer, coordinator, recipient):
    save_answer(coordinator, recipient, position="no", position_motivation="För dyrt.")
    submit(coordinator, recipient)

    html = text_of(as_reviewer.get(answer_path(recipient)))

    assert "Svaret är inskickat och kan inte ändras längre." in html
    assert "För dyrt." in html
    assert "<form" not in html.split('id="main"')[1].replace('action="/konto/logga-ut/"', "")
    assert "Lägg till synpunkt" not in html


def test_the_page_runs_the_same_queries_with_30_comments_as_with_one(
    client_for, coordinator, reviewer, recipient, consultation, django_assert_max_num_queries
):
    blocks = blocks_of(consultation)
    add_comment(reviewer, recipient, blocks[0])
    client = client_for(coordinator)
    client.get(answer_path(recipient))  # warm caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(answer_path(recipient)).status_code == 200
    writers = [member("remiss_reviewer", HOME, f"Granskare {n}") for n in range(5)]
    quotes = ["ACE-hämmare", "Metformin", "kalium"]
    for n in range(29):
        add_comment(
            writers[n % 5], recipient, blocks[n % 3], text=f"Synpunkt {n}", quote=quotes[n % 3]
        )

    with django_assert_max_num_queries(len(one)):
        response = client.get(answer_path(recipient))
    assert response.status_code == 200
    assert text_of(response).count('class="comment"') == 30


# ---------------------------------------------------------------- saving the draft


def test_saving_the_draft_redirects_to_the_answer_with_a_message(as_reviewer, recipient):
    response = as_reviewer.post(
        answer_path(recipient, "remiss:answer_save"),
        answer_form_data(recipient, general_comment="Tydligt och bra."),
    )

    assert response.status_code == 302
    assert response["Location"] == answer_path(recipient) + "#svar"
    assert current_answer(recipient).general_comment == "Tydligt och bra."
    assert Recipient.objects.get(pk=recipient.pk).status == RecipientStatus.DRAFTING
    follow = as_reviewer.get(answer_path(recipient))
    assert "Tydligt och bra." in text_of(follow)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"position": "yes_with_reservations"},
            "id_position_motivation",
            "Skriv en motivering: den behövs när svaret inte är ett rent ja.",
        ),
        (
            {"position": "no", "position_motivation": "  "},
            "id_position_motivation",
            "Skriv en motivering: den behövs när svaret inte är ett rent ja.",
        ),
        (
            {"ambition": "not_realistic"},
            "id_ambition_motivation",
            "Skriv varför ambitionsnivån inte är realistisk här och nu.",
        ),
        (
            {"position": "kanske"},
            "id_position",
            "Välj ett giltigt alternativ. kanske finns inte bland tillgängliga alternativ.",
        ),
        (
            {"general_comment": "x" * 20_001},
            "id_general_comment",
            "Säkerställ att detta värde har som mest 20000 tecken (den har 20001).",
        ),
    ],
)
def test_bad_answer_input_is_refused_beside_the_field_and_nothing_is_saved(
    as_reviewer, recipient, values, field, message
):
    save_answer(member("remiss_reviewer", HOME), recipient, general_comment="Sparat förut")
    before = footprint()

    response = as_reviewer.post(
        answer_path(recipient, "remiss:answer_save"), answer_form_data(recipient, **values)
    )

    assert response.status_code == 400
    assert field_error(response, field) == message
    assert footprint() == before


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("analys.pdf", b"MZ\x90\x00 ett program"),
            "Bara PDF- och Word-dokument (DOCX) kan laddas upp. Filen är inget av dem.",
        ),
        (SimpleUploadedFile("tom.pdf", b""), "Filen är tom."),
    ],
)
def test_an_impact_statement_that_is_no_document_is_refused_beside_the_field(
    as_coordinator, recipient, upload, message
):
    data = answer_form_data(recipient, general_comment="Med bilaga")
    data["impact_statement"] = upload

    response = as_coordinator.post(answer_path(recipient, "remiss:answer_save"), data)

    assert response.status_code == 400
    assert field_error(response, "id_impact_statement") == message
    assert current_answer(recipient) is None


def test_an_impact_statement_over_the_size_limit_is_refused(as_coordinator, recipient, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    data = answer_form_data(recipient)
    data["impact_statement"] = SimpleUploadedFile("stor.pdf", b"%PDF-" + b"0" * (1024 * 1024))

    response = as_coordinator.post(answer_path(recipient, "remiss:answer_save"), data)

    assert response.status_code == 400
    assert field_error(response, "id_impact_statement") == "Filen är större än 1 MB."
    assert current_answer(recipient) is None


def test_the_impact_statement_is_downloaded_as_a_nosniff_attachment(
    as_reviewer, coordinator, recipient
):
    data = answer_form_data(recipient)
    data["impact_statement"] = docx_upload("Konsekvenser för Uppsala.docx")
    client = as_reviewer
    assert client.post(answer_path(recipient, "remiss:answer_save"), data).status_code == 302

    response = client.get(answer_path(recipient, "remiss:answer_impact_statement"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Konsekvenser" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert b"".join(response.streaming_content).startswith(b"PK")


def test_no_impact_statement_is_404(as_reviewer, reviewer, recipient):
    save_answer(reviewer, recipient, general_comment="Utan bilaga")

    response = as_reviewer.get(answer_path(recipient, "remiss:answer_impact_statement"))

    assert response.status_code == 404


def test_a_save_without_the_pages_version_is_refused_and_saves_nothing(as_reviewer, recipient):
    data = answer_form_data(recipient, general_comment="Utan version")
    del data["lock_version"]

    response = as_reviewer.post(answer_path(recipient, "remiss:answer_save"), data)

    assert response.status_code == 400
    assert "Sidan är för gammal. Ladda om den och försök igen." in text_of(response)
    assert current_answer(recipient) is None


def test_a_stale_save_gets_the_conflict_page_with_both_texts(as_reviewer, coordinator, recipient):
    stale = answer_form_data(recipient, general_comment="Granskarens egen text")
    save_answer(coordinator, recipient, general_comment="Samordnarens sparade text")

    response = as_reviewer.post(answer_path(recipient, "remiss:answer_save"), stale)

    assert response.status_code == 409
    html = text_of(response)
    assert "Samordnarens sparade text" in html
    assert "Granskarens egen text" in html
    assert f'name="lock_version" value="{current_answer(recipient).lock_version}"' in html
    assert '<ins class="diff-ins">' in html and '<del class="diff-del">' in html
    assert current_answer(recipient).general_comment == "Samordnarens sparade text"


def test_an_organisation_answers_through_its_own_coordinator(client_for, editor):
    consultation = round_with_text(editor=editor, recipients=(HOME, "lakaresallskapet"))
    society = recipient_of(consultation, "lakaresallskapet")
    coordinator = member("remiss_coordinator", "lakaresallskapet")
    client = client_for(coordinator)

    page = client.get(answer_path(society))
    saved = client.post(
        answer_path(society, "remiss:answer_save"), answer_form_data(society, position="yes")
    )
    submitted = client.post(
        answer_path(society, "remiss:answer_submit"),
        {"lock_version": current_answer(society).lock_version},
    )

    assert page.status_code == 200
    assert "Organisationens svar" in text_of(page)
    assert (saved.status_code, submitted.status_code) == (302, 302)
    assert current_answer(society).is_submitted


def test_saving_the_conflict_page_form_replaces_their_version_knowingly(
    as_reviewer, coordinator, recipient
):
    save_answer(coordinator, recipient, general_comment="Samordnarens sparade text")

    response = as_reviewer.post(
        answer_path(recipient, "remiss:answer_save"),
        answer_form_data(recipient, general_comment="Ihopslagen text"),
    )

    assert response.status_code == 302
    assert current_answer(recipient).general_comment == "Ihopslagen text"


def test_a_stale_save_with_a_file_asks_for_the_file_again(as_coordinator, reviewer, recipient):
    data = answer_form_data(recipient)
    data["impact_statement"] = pdf_upload()
    save_answer(reviewer, recipient, general_comment="Först")

    response = as_coordinator.post(answer_path(recipient, "remiss:answer_save"), data)

    assert response.status_code == 409
    assert "Välj den igen" in text_of(response)
    assert not current_answer(recipient).impact_statement


# ---------------------------------------------------------------- comments


def comment_data(**values) -> dict:
    data = {"type": "medical", "text": "Ange dosen per kg kroppsvikt.", "quote": ""}
    data.update(values)
    return data


def test_a_comment_is_added_at_its_block(as_reviewer, reviewer, recipient, consultation):
    block = blocks_of(consultation)[1]

    response = as_reviewer.post(
        answer_path(recipient, "remiss:comment_add", block_uid=block.uid), comment_data()
    )

    assert response.status_code == 302
    assert response["Location"] == f"{answer_path(recipient)}#block-{block.uid}"
    comment = Comment.objects.get()
    assert (comment.snapshot_block, comment.author) == (block, reviewer)


def test_a_pasted_quote_without_a_start_is_found_on_the_server(
    as_reviewer, recipient, consultation
):
    block = blocks_of(consultation)[1]
    plain = answers.block_plain_text(block.html)

    as_reviewer.post(
        answer_path(recipient, "remiss:comment_add", block_uid=block.uid),
        comment_data(quote="två gånger\r\ndagligen", quote_start=""),
    )

    comment = Comment.objects.get()
    assert comment.quote == "två gånger dagligen"
    assert comment.quote_start == plain.index("två gånger dagligen")


@pytest.mark.parametrize("start", ["-4", "abc", "99999999999", "3"])
def test_a_wrong_or_garbled_start_is_found_again_on_the_server(
    as_reviewer, recipient, consultation, start
):
    block = blocks_of(consultation)[2]
    plain = answers.block_plain_text(block.html)

    response = as_reviewer.post(
        answer_path(recipient, "remiss:comment_add", block_uid=block.uid),
        comment_data(quote="kalium", quote_start=start),
    )

    assert response.status_code == 302
    assert Comment.objects.values_list("quote_start", flat=True).get() == plain.index("kalium")


def test_a_selected_quote_with_its_start_is_kept(as_reviewer, recipient, consultation):
    block = blocks_of(consultation)[2]
    plain = answers.block_plain_text(block.html)
    start = plain.index("kalium")

    as_reviewer.post(
        answer_path(recipient, "remiss:comment_add", block_uid=block.uid),
        comment_data(quote="kalium", quote_start=start),
    )

    assert Comment.objects.values_list("quote", "quote_start").get() == ("kalium", start)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"text": ""}, "text", "Skriv synpunkten."),
        ({"text": "   "}, "text", "Skriv synpunkten."),
        ({"type": ""}, "type", "Välj vilken typ av synpunkt det är."),
        (
            {"type": "ton"},
            "type",
            "Välj ett giltigt alternativ. ton finns inte bland tillgängliga alternativ.",
        ),
        (
            {"quote": "insulin 10 E"},
            "quote",
            "Citatet finns inte i blockets text. Markera orden i texten ovan, eller klistra in "
            "dem precis som de står där.",
        ),
    ],
)
def test_bad_comment_input_is_refused_beside_the_field_in_its_open_block_form(
    as_reviewer, recipient, consultation, values, field, message
):
    block = blocks_of(consultation)[2]

    response = as_reviewer.post(
        answer_path(recipient, "remiss:comment_add", block_uid=block.uid), comment_data(**values)
    )

    assert response.status_code == 400
    html = text_of(response)
    article = html.split(f'id="block-{block.uid}"')[1].split("</article>")[0]
    assert '<details class="comment-add" open>' in article
    assert field_error(response, f"id_block{block.pk}_{field}") == message
    assert not Comment.objects.exists()
    assert Recipient.objects.get(pk=recipient.pk).status == RecipientStatus.INVITED


def test_a_comment_at_a_block_the_snapshot_does_not_hold_is_404(as_reviewer, recipient):
    live = Block.objects.filter(edition=recipient.consultation.edition).first()
    Block.objects.filter(pk=live.pk).update(uid="00000000-0000-4000-8000-000000000000")

    response = as_reviewer.post(
        answer_path(
            recipient, "remiss:comment_add", block_uid="00000000-0000-4000-8000-000000000000"
        ),
        comment_data(),
    )

    assert response.status_code == 404


def test_a_reviewer_edits_their_comment(as_reviewer, reviewer, recipient):
    comment = add_comment(reviewer, recipient)
    path = answer_path(recipient, "remiss:comment_edit", comment_pk=comment.pk)

    form = as_reviewer.get(path)
    response = as_reviewer.post(
        path, comment_data(text="Ny lydelse.", lock_version=comment.lock_version)
    )

    assert form.status_code == 200
    assert comment.text in text_of(form)
    assert comment.snapshot_block.html in text_of(form)
    assert f'action="{path}"' in text_of(form)
    assert response.status_code == 302
    assert Comment.objects.get().text == "Ny lydelse."


def test_editing_a_comment_with_bad_input_is_refused_beside_the_field(
    as_reviewer, reviewer, recipient
):
    comment = add_comment(reviewer, recipient, text="Oförändrad")

    response = as_reviewer.post(
        answer_path(recipient, "remiss:comment_edit", comment_pk=comment.pk),
        comment_data(text="", lock_version=comment.lock_version),
    )

    assert response.status_code == 400
    assert field_error(response, "id_text") == "Skriv synpunkten."
    assert Comment.objects.get().text == "Oförändrad"


def test_editing_without_a_version_is_refused(as_reviewer, reviewer, recipient):
    comment = add_comment(reviewer, recipient, text="Oförändrad")

    response = as_reviewer.post(
        answer_path(recipient, "remiss:comment_edit", comment_pk=comment.pk),
        comment_data(text="Ändrad"),
    )

    assert response.status_code == 400
    assert "Ladda om den och försök igen" in text_of(response)
    assert Comment.objects.get().text == "Oförändrad"


def test_a_stale_comment_edit_gets_the_conflict_page_with_both_texts(
    as_reviewer, reviewer, coordinator, recipient
):
    comment = add_comment(reviewer, recipient, text="Första lydelsen")
    answers.comment_change(
        actor=coordinator, comment=comment, lock_version=1, type="medical", text="Samordnarens"
    )

    response = as_reviewer.post(
        answer_path(recipient, "remiss:comment_edit", comment_pk=comment.pk),
        comment_data(text="Granskarens ändring", lock_version=1),
    )

    assert response.status_code == 409
    html = text_of(response)
    assert "Samordnarens" in html
    assert "Granskarens ändring" in html
    assert 'name="lock_version" value="2"' in html
    assert Comment.objects.get().text == "Samordnarens"


def test_editing_a_comment_removed_meanwhile_keeps_my_text_to_add_anew(
    as_reviewer, reviewer, coordinator, recipient
):
    comment = add_comment(reviewer, recipient, text="Första lydelsen")
    path = answer_path(recipient, "remiss:comment_edit", comment_pk=comment.pk)
    answers.comment_remove(actor=coordinator, comment=comment, lock_version=1)

    response = as_reviewer.post(path, comment_data(text="Min sena ändring", lock_version=1))

    assert response.status_code == 409
    html = text_of(response)
    assert "Synpunkten är borttagen" in html
    assert "Min sena ändring" in html
    add_url = answer_path(recipient, "remiss:comment_add", block_uid=comment.block_uid)
    assert f'action="{add_url}"' in html
    assert not Comment.objects.exists()


def test_removing_a_comment_removed_meanwhile_says_so(
    as_reviewer, reviewer, coordinator, recipient
):
    comment = add_comment(reviewer, recipient)
    answers.comment_remove(actor=coordinator, comment=comment, lock_version=1)

    response = as_reviewer.post(
        answer_path(recipient, "remiss:comment_remove", comment_pk=comment.pk),
        {"lock_version": 1},
    )

    assert response.status_code == 409
    assert "Någon annan har redan tagit bort synpunkten." in text_of(response)


def test_a_guessed_comment_id_is_404(as_reviewer, reviewer, recipient):
    add_comment(reviewer, recipient)

    for name in ("remiss:comment_edit", "remiss:comment_remove"):
        path = answer_path(recipient, name, comment_pk=987654)
        assert as_reviewer.get(path).status_code == 404
        assert as_reviewer.post(path, comment_data(lock_version=1)).status_code == 404


def test_removing_a_comment_asks_first_and_then_removes(as_reviewer, reviewer, recipient):
    comment = add_comment(reviewer, recipient)
    path = answer_path(recipient, "remiss:comment_remove", comment_pk=comment.pk)

    ask = as_reviewer.get(path)
    assert ask.status_code == 200
    assert "Ta bort synpunkten?" in text_of(ask)
    assert Comment.objects.exists()

    response = as_reviewer.post(path, {"lock_version": comment.lock_version})
    assert response.status_code == 302
    assert not Comment.objects.exists()


def test_a_stale_removal_gets_the_conflict_page(as_reviewer, reviewer, coordinator, recipient):
    comment = add_comment(reviewer, recipient, text="Första")
    answers.comment_change(
        actor=coordinator, comment=comment, lock_version=1, type="medical", text="Ändrad sedan"
    )

    response = as_reviewer.post(
        answer_path(recipient, "remiss:comment_remove", comment_pk=comment.pk),
        {"lock_version": 1},
    )

    assert response.status_code == 409
    assert "Ändrad sedan" in text_of(response)
    assert Comment.objects.get().text == "Ändrad sedan"


def test_removing_without_a_version_is_refused(as_reviewer, reviewer, recipient):
    comment = add_comment(reviewer, recipient)

    response = as_reviewer.post(
        answer_path(recipient, "remiss:comment_remove", comment_pk=comment.pk), {}
    )

    assert response.status_code == 400
    assert Comment.objects.exists()


# ---------------------------------------------------------------- submit and decline


def test_submitting_asks_first_then_submits(as_coordinator, coordinator, recipient):
    save_answer(coordinator, recipient, position="yes", ambition="realistic")
    path = answer_path(recipient, "remiss:answer_submit")

    ask = as_coordinator.get(path)
    assert ask.status_code == 200
    assert "När svaret är inskickat kan varken svaret eller synpunkterna ändras." in text_of(ask)

    response = as_coordinator.post(path, {"lock_version": current_answer(recipient).lock_version})
    assert response.status_code == 302
    assert current_answer(recipient).is_submitted
    assert "är inskickat" in text_of(as_coordinator.get(answer_path(recipient)))


def test_submitting_without_a_position_is_refused_with_the_reason(
    as_coordinator, coordinator, recipient
):
    save_answer(coordinator, recipient, general_comment="Oklart")

    response = as_coordinator.post(
        answer_path(recipient, "remiss:answer_submit"),
        {"lock_version": current_answer(recipient).lock_version},
    )

    assert response.status_code == 400
    assert "Välj om ni ställer er bakom förslaget" in text_of(response)
    assert not current_answer(recipient).is_submitted


def test_submitting_before_anything_is_saved_is_refused(as_coordinator, recipient):
    response = as_coordinator.post(
        answer_path(recipient, "remiss:answer_submit"), {"lock_version": 1}
    )

    assert response.status_code == 400
    assert "Välj om ni ställer er bakom förslaget" in text_of(response)
    assert current_answer(recipient) is None


def test_a_late_submission_is_refused_with_the_closing_date_and_what_to_do(
    as_coordinator, coordinator, recipient
):
    save_answer(coordinator, recipient, position="yes")
    day = timezone.localdate() - timedelta(days=1)
    Consultation.objects.filter(pk=recipient.consultation_id).update(closes_on=day)

    ask = as_coordinator.get(answer_path(recipient, "remiss:answer_submit"))
    response = as_coordinator.post(
        answer_path(recipient, "remiss:answer_submit"),
        {"lock_version": current_answer(recipient).lock_version},
    )

    message = (
        f"Sista svarsdag var {answers.closes_on_text(day)}. "
        "Be den nationella redaktionen om förlängning."
    )
    assert message in text_of(ask)
    assert 'type="submit"' not in text_of(ask).split("error-summary")[1]
    assert response.status_code == 400
    assert message in text_of(response)
    assert not current_answer(recipient).is_submitted


def test_a_late_recipient_with_an_extension_submits_and_sees_the_new_date(
    as_coordinator, coordinator, recipient
):
    save_answer(coordinator, recipient, position="yes")
    Consultation.objects.filter(pk=recipient.consultation_id).update(
        closes_on=timezone.localdate() - timedelta(days=3)
    )
    extended = timezone.localdate() + timedelta(days=4)
    Recipient.objects.filter(pk=recipient.pk).update(extended_until=extended)

    page = text_of(as_coordinator.get(answer_path(recipient)))
    response = as_coordinator.post(
        answer_path(recipient, "remiss:answer_submit"),
        {"lock_version": current_answer(recipient).lock_version},
    )

    assert f'datetime="{extended:%Y-%m-%d}"' in page
    assert "förlängd, ursprungligen" in page
    assert response.status_code == 302
    assert current_answer(recipient).is_submitted


def test_a_stale_submission_shows_the_answer_again_with_the_new_version(
    as_coordinator, coordinator, reviewer, recipient
):
    save_answer(coordinator, recipient, position="yes")
    seen = current_answer(recipient).lock_version
    save_answer(reviewer, recipient, position="yes", general_comment="Tillagt av granskaren")

    response = as_coordinator.post(
        answer_path(recipient, "remiss:answer_submit"), {"lock_version": seen}
    )

    assert response.status_code == 409
    assert "Tillagt av granskaren" in text_of(response)
    assert f'value="{seen + 1}"' in text_of(response)
    assert not current_answer(recipient).is_submitted


def test_a_reviewer_is_told_that_only_the_coordinator_submits(as_reviewer, reviewer, recipient):
    save_answer(reviewer, recipient, position="yes")

    response = as_reviewer.post(
        answer_path(recipient, "remiss:answer_submit"),
        {"lock_version": current_answer(recipient).lock_version},
    )

    assert response.status_code == 403
    assert "Bara remissamordnaren kan skicka in svaret" in text_of(response)
    assert not current_answer(recipient).is_submitted


def test_declining_without_a_reason_is_refused_beside_the_field(as_coordinator, recipient):
    response = as_coordinator.post(answer_path(recipient, "remiss:answer_decline"), {"reason": " "})

    assert response.status_code == 400
    assert field_error(response, "id_reason") == "Skriv varför ni avstår från att svara."
    assert Recipient.objects.get(pk=recipient.pk).status == RecipientStatus.INVITED


def test_declining_with_a_reason_is_recorded_and_shown(as_coordinator, recipient):
    path = answer_path(recipient, "remiss:answer_decline")
    assert as_coordinator.get(path).status_code == 200

    response = as_coordinator.post(path, {"reason": "Berör inte vår region."})

    assert response.status_code == 302
    stored = Recipient.objects.get(pk=recipient.pk)
    assert (stored.status, stored.declined_reason) == ("declined", "Berör inte vår region.")
    page = text_of(as_coordinator.get(answer_path(recipient)))
    assert "Berör inte vår region." in page
    assert "Ni har avstått från att svara" in page


def test_a_submitted_answer_refuses_changes_through_every_view_with_the_reason(
    as_coordinator, coordinator, reviewer, recipient, consultation
):
    comment = add_comment(reviewer, recipient)
    save_answer(coordinator, recipient, position="yes")
    submit(coordinator, recipient)
    before = footprint()
    block = blocks_of(consultation)[0]

    posts = {
        answer_path(recipient, "remiss:answer_save"): answer_form_data(recipient),
        answer_path(recipient, "remiss:answer_submit"): {"lock_version": 3},
        answer_path(recipient, "remiss:answer_decline"): {"reason": "Ändrat oss."},
        answer_path(recipient, "remiss:comment_add", block_uid=block.uid): comment_data(),
        answer_path(recipient, "remiss:comment_edit", comment_pk=comment.pk): comment_data(
            lock_version=1
        ),
        answer_path(recipient, "remiss:comment_remove", comment_pk=comment.pk): {"lock_version": 1},
    }
    for path, data in posts.items():
        response = as_coordinator.post(path, data)
        assert response.status_code == 403, path
        assert "Svaret är inskickat och kan inte ändras längre." in text_of(response), path
    assert footprint() == before


def test_a_recognised_upload_is_kept_through_the_form(as_coordinator, recipient):
    data = answer_form_data(recipient)
    data["impact_statement"] = pdf_upload("Bilaga.pdf")

    as_coordinator.post(answer_path(recipient, "remiss:answer_save"), data)

    assert current_answer(recipient).impact_statement_name == "Bilaga.pdf"
    assert recognised(pdf_upload()).document_kind == "pdf"


# ---------------------------------------------------------------- an organisation's answer


def test_an_organisation_answers_through_its_own_coordinator_and_reviewer(client_for):
    from apps.accounts.models import Organisation
    from apps.remiss.inbox import answer_tasks

    body = Organisation.objects.other_bodies().active().order_by("name").first()
    consultation = round_with_text(recipients=(HOME, body.code))
    recipient = recipient_of(consultation, body.code)
    coordinator = member("remiss_coordinator", body.code, "Olga Organisationssamordnare")
    reviewer = member("remiss_reviewer", body.code, "Oskar Organisationsgranskare")
    block = blocks_of(consultation)[1]

    (task,) = answer_tasks(reviewer)
    assert task.url == answer_path(recipient)
    assert task.action.startswith("Skriv organisationens remissvar")
    as_reviewer = client_for(reviewer)
    page = as_reviewer.get(task.url)
    assert page.status_code == 200
    assert "Organisationens svar" in text_of(page)
    added = as_reviewer.post(
        answer_path(recipient, "remiss:comment_add", block_uid=block.uid),
        {"type": "implementation", "text": "Patienterna behöver skriftlig information."},
    )
    assert added.status_code == 302
    # The reviewer does not submit; the organisation's coordinator does.
    assert as_reviewer.get(answer_path(recipient, "remiss:answer_submit")).status_code == 403
    as_coordinator = client_for(coordinator)
    saved = as_coordinator.post(
        answer_path(recipient, "remiss:answer_save"), answer_form_data(recipient)
    )
    assert saved.status_code == 302
    submitted = as_coordinator.post(
        answer_path(recipient, "remiss:answer_submit"),
        {"lock_version": current_answer(recipient).lock_version},
    )
    assert submitted.status_code == 302
    assert Recipient.objects.get(pk=recipient.pk).status == RecipientStatus.SUBMITTED
    assert current_answer(recipient).comments.get().author == reviewer
    # The organisation's coordinator does not reach the region's draft.
    home = recipient_of(consultation)
    assert client_for(coordinator).get(answer_path(home)).status_code == 404

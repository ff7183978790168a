"""A remiss round at full size for the benchmark: a 30-block edition sent to all 21 regions,
every region's answer submitted with 30 comments (630 in all, most quoting a passage), half
of them responded to, the round closed into revision. The edition goes through the real
workflow steps and the responses through `response_record`; the answers and comments are
written straight to their tables (as a region's coordinator would have left them), since
the answer pages are not what these scenarios measure. Memoised like bench/content.py."""

import datetime as dt
import functools

import content


@functools.cache
def full_round() -> dict:
    from django.utils import timezone

    from apps.accounts.models import Organisation
    from apps.authoring.models import Edition, SnapshotBlock
    from apps.authoring.workflow import edition_transition
    from apps.remiss.answers import locate_quote
    from apps.remiss.calendar import next_working_day
    from apps.remiss.models import (
        Answer,
        Comment,
        CommentType,
        Consultation,
        Position,
        Recipient,
        RecipientStatus,
    )
    from apps.remiss.quotes import plain_text
    from apps.remiss.responses import response_record

    support = content._new_support("Hjärtsvikt – bench med remiss till 21 regioner")
    content.fill_edition(
        support.working_edition,
        blocks=30,
        main_key="behandling",
        main_count=12,
        lengths=(300, 800),
        seed=21,
    )
    edition = support.working_edition

    def step(name, email, data=None):
        current = Edition.objects.get(pk=edition.pk)
        edition_transition(
            actor=content._user(email),
            edition=current,
            name=name,
            lock_version=current.lock_version,
            data=data or {},
        )

    step("submit_for_review", content.AUTHOR)
    step("approve_for_consultation", content.CHAIR)
    today = timezone.localdate()
    step(
        "open_consultation",
        content.EDITOR,
        {
            "kind": "remiss",
            "window": "egna",
            "opens_on": today.isoformat(),
            "closes_on": next_working_day(today + dt.timedelta(days=30)).isoformat(),
            "dates_reason": "Benchmark.",
        },
    )
    consultation = Consultation.objects.get(edition_id=edition.pk, closed_at__isnull=True)
    blocks = list(
        SnapshotBlock.objects.filter(snapshot_id=consultation.snapshot_id).order_by(
            "section__position", "position"
        )
    )
    types = CommentType.values
    positions = Position.values
    now = timezone.now()
    regions = Organisation.objects.regions().active().order_by("name")
    for r, region in enumerate(regions):
        recipient = Recipient.objects.get(consultation=consultation, organisation=region)
        answer = Answer.objects.create(
            recipient=recipient,
            position=positions[r % len(positions)],
            position_motivation="Regionen ser svårigheter med bemanningen.",
            ambition="realistic",
        )
        rows = []
        for i in range(30):
            block = blocks[(r + i) % len(blocks)]
            text = plain_text(block.html)
            found = locate_quote(text, " ".join(text.split()[1:5])) if i % 3 else None
            quote, start = found if found else ("", None)
            rows.append(
                Comment(
                    answer=answer,
                    snapshot_block=block,
                    block_uid=block.uid,
                    quote=quote,
                    quote_start=start,
                    type=types[i % len(types)],
                    text=content.HEART[(r + i) % len(content.HEART)],
                )
            )
        Comment.objects.bulk_create(rows)
        Answer.objects.filter(pk=answer.pk).update(submitted_at=now)
        Recipient.objects.filter(pk=recipient.pk).update(status=RecipientStatus.SUBMITTED)
    step("close_consultation", content.EDITOR)
    author = content._user(content.AUTHOR)
    comments = Comment.objects.filter(answer__recipient__consultation=consultation).order_by("pk")
    for i, comment in enumerate(comments):
        if i % 2 == 0:
            response_record(
                actor=author,
                comment=comment,
                decision=("accepted", "partly", "not_accepted")[i % 3],
                motivation="Texten har förtydligats i avsnittet.",
            )
    return {"pk": consultation.pk, "comments": comments.count()}

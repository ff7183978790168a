"""Search over what readers may read: the index (SearchDocument), how the workflow keeps it,
and the queries and highlighting of the start page.

The index. One row per public support, written by the "publish" step and removed by
"withdraw", as workflow effects registered from PublishingConfig.ready(): they run inside the
step's transaction after authoring's own effects (authoring is registered first), so the
publication snapshot is there, and a step that fails or rolls back leaves the index as it was.
`reindex_all` (command `reindex_search`, and migration 0001 for existing data) rebuilds it
from the published editions.

The query. On PostgreSQL: full-text search with the "swedish" configuration over the stored,
weighted vector (title A, diagnoses B, text C), every word also as a prefix ("hjärtsv"
finds "hjärtsvikt"), ranked with ts_rank, plus pg_trgm's word similarity on titles and
diagnoses so that a small misspelling ("hjärtsvit", "hart failur") still finds the support.
On SQLite: every word's Swedish stem (swedish.stem, the same Snowball stemmer) must begin a
word of the title, the diagnoses or the text, ranked by where it was found. Both find the
same supports for plain words; only PostgreSQL forgives misspellings.

Signed-in users also find the unpublished editions they may read (`search_unpublished`),
matched on the live text, never shown to anyone else."""

import html
import re
from dataclasses import dataclass, field

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.authoring.models import (
    Block,
    CareLevel,
    Edition,
    Snapshot,
    SnapshotBlock,
    SnapshotPurpose,
    Support,
    SupportDiagnosis,
)
from apps.authoring.permissions import PUBLIC_STATES, readable_editions_q
from apps.authoring.workflow_states import EditionState

from .models import SearchDocument
from .swedish import STOP_WORDS, stem

CONFIG = "swedish"
# Words of a query that count; more are ignored (a pasted paragraph is not a search).
MAX_TERMS = 8
# SQLite's ranking: a word found in the title counts most, then in a diagnosis, then in
# the text (PostgreSQL's ts_rank weighs A, B and C the same way).
_WEIGHTS = {"title": 4, "diagnoses": 2, "text": 1}

# A word: letters and digits, with inner dots kept (ICD-10 codes, decimals).
WORD = re.compile(r"\w+(?:\.\w+)*")


def fold(text: str) -> str:
    """Lower-cased words separated by single spaces, with a space at each end, so that
    `" " + stem` inside it means "a word that begins with this stem" (SQLite's search)."""
    return " " + " ".join(WORD.findall(text.lower())) + " " if text else ""


def fold_distinct(text: str) -> str:
    """`fold`, with each word once (in the order of first use). The same searches match it,
    because a search only asks whether some word begins with a stem; a long text repeats its
    words, and SQLite's scan reads every byte of every row's column (on the embedded default
    a search's cost is mostly this scan), so a text's distinct words make it several times
    cheaper."""
    return " " + " ".join(dict.fromkeys(WORD.findall(text.lower()))) + " " if text else ""


# ---------------------------------------------------------------- the query


@dataclass(frozen=True)
class Terms:
    """A query as search uses it: the words for PostgreSQL (which stems them itself), their
    Swedish stems for SQLite and for highlighting, and the whole query for trigram matching."""

    text: str = ""
    words: tuple[str, ...] = ()
    stems: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.words)

    def tsquery(self) -> SearchQuery:
        # Each word is only letters, digits and inner dots (WORD), so quoting it cannot
        # change the query's syntax; `:*` makes it a prefix of the stem.
        raw = " & ".join(f"'{word}':*" for word in self.words)
        return SearchQuery(raw, search_type="raw", config=CONFIG)

    @property
    def pattern(self) -> re.Pattern | None:
        """Any word that begins with one of the stems, case-insensitively, for highlighting."""
        if not self.stems:
            return None
        choices = "|".join(re.escape(s) for s in sorted(set(self.stems), key=len, reverse=True))
        return re.compile(rf"(?<!\w)(?:{choices})\w*(?:\.\w+)*", re.IGNORECASE)


def normalise_query(text: str) -> str:
    return " ".join((text or "").split())


def parse_query(text: str) -> Terms:
    """The words of a query that can be searched for: not stop words, at least two letters
    long, each once, at most MAX_TERMS of them."""
    text = normalise_query(text)
    words: list[str] = []
    stems: list[str] = []
    for word in WORD.findall(text.lower()):
        if word in STOP_WORDS or len(word) < 2 or word in words:
            continue
        word_stem = stem(word)
        if len(word_stem) < 2:
            continue
        words.append(word)
        stems.append(word_stem)
        if len(words) == MAX_TERMS:
            break
    return Terms(text=text, words=tuple(words), stems=tuple(stems))


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


# ---------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    """What the reader narrowed the search to; every part optional."""

    programme_area: object = None  # an Organisation (NPO)
    product_type: object = None
    care_level: str = ""  # CareLevel.PRIMARY or CareLevel.SPECIALISED
    diagnosis_code: str = ""  # "I50" (the category and its sub-codes) or "I50.9"
    diagnosis_name: str = ""  # part of a diagnosis description

    def __bool__(self) -> bool:
        return bool(
            self.programme_area
            or self.product_type
            or self.care_level
            or self.diagnosis_code
            or self.diagnosis_name
        )


def _diagnosis_q(filters: Filters, prefix: str = "") -> Q:
    if filters.diagnosis_code:
        code = filters.diagnosis_code
        return Q(**{f"{prefix}code": code}) | Q(**{f"{prefix}code__startswith": f"{code}."})
    if _is_postgres():
        return Q(**{f"{prefix}description__icontains": filters.diagnosis_name})
    # SQLite's LIKE and lower() fold ASCII only; its REGEXP is Python's re, which folds "Ö".
    return Q(**{f"{prefix}description__iregex": re.escape(filters.diagnosis_name)})


def _filter_supports(queryset: QuerySet, filters: Filters, support: str) -> QuerySet:
    """Narrow a queryset whose rows belong to a support (at the path `support`)."""
    if filters.programme_area is not None:
        queryset = queryset.filter(**{f"{support}__programme_area": filters.programme_area})
    if filters.product_type is not None:
        queryset = queryset.filter(**{f"{support}__product_type": filters.product_type})
    if filters.diagnosis_code or filters.diagnosis_name:
        support_id = f"{support}_id" if support != "pk" else "pk"
        diagnoses = SupportDiagnosis.objects.filter(
            _diagnosis_q(filters), support=OuterRef(support_id)
        )
        queryset = queryset.filter(Exists(diagnoses))
    return queryset


# ---------------------------------------------------------------- public search


def public_documents() -> QuerySet[SearchDocument]:
    """The index rows of supports readers can read now, with what a result row shows. A row
    whose edition is no longer the support's published one (an index not rebuilt after data
    was changed behind the workflow's back) is never shown."""
    return (
        SearchDocument.objects.filter(
            support__current_published_edition=F("edition"),
            edition__state=EditionState.PUBLISHED,
        )
        .select_related("support", "support__product_type", "support__programme_area", "edition")
        .defer("folded_title", "folded_diagnoses", "folded_text", "vector")
    )


def filtered_documents(filters: Filters) -> QuerySet[SearchDocument]:
    documents = _filter_supports(public_documents(), filters, "support")
    if filters.care_level == CareLevel.PRIMARY:
        documents = documents.filter(for_primary=True)
    elif filters.care_level == CareLevel.SPECIALISED:
        documents = documents.filter(for_specialised=True)
    return documents


def search_documents(terms: Terms, filters: Filters) -> tuple[QuerySet, QuerySet]:
    """(matching rows for counting, the same rows ranked best first, for a page of results).
    Without words: every filtered support by title."""
    documents = filtered_documents(filters)
    if not terms:
        return documents, documents.order_by("title", "pk")
    if _is_postgres():
        tsquery = terms.tsquery()
        # pg_trgm's `%>` uses its word_similarity_threshold (0.6 by default), and its GIN
        # indexes: "hjärtsvit" against "Hjärtsvikt – behandling" is 0.8, "hart failur"
        # against "Heart failure, unspecified" 0.67, an unrelated word near 0.
        phrase = terms.text.lower()
        matching = documents.filter(
            Q(SearchVectorExact(F("vector"), tsquery))
            | Q(TrigramWordSimilar(F("title"), Value(phrase)))
            | Q(TrigramWordSimilar(F("diagnoses"), Value(phrase)))
        )
        ranked = matching.annotate(
            rank=SearchRank(F("vector"), tsquery, weights=[0.1, 0.2, 0.4, 1.0])
            + 0.5 * TrigramWordSimilarity(phrase, "title")
            + 0.25 * TrigramWordSimilarity(phrase, "diagnoses")
        ).order_by("-rank", "title", "pk")
        return matching, ranked
    matching = documents
    score = Value(0, output_field=IntegerField())
    for word_stem in terms.stems:
        needle = f" {word_stem}"
        matching = matching.filter(
            Q(folded_title__contains=needle)
            | Q(folded_diagnoses__contains=needle)
            | Q(folded_text__contains=needle)
        )
        for name, weight in _WEIGHTS.items():
            score = score + Case(
                When(**{f"folded_{name}__contains": needle}, then=Value(weight)),
                default=Value(0),
                output_field=IntegerField(),
            )
    ranked = matching.annotate(rank=score).order_by("-rank", "title", "pk")
    return matching, ranked


def search_page(
    terms: Terms, filters: Filters, *, start: int, size: int
) -> tuple[int, list[SearchDocument]]:
    """(how many rows match, the rows of one page of them, best first). The match is scanned
    once: the ranked ids of every match (a few thousand integers at most, one per public
    support) give both the count and the page, and only the page's rows are then read whole
    (by primary key). Counting and ranking in two queries scanned every row's text twice,
    and sorting whole rows moved every match's text through the sorter."""
    _, ranked = search_documents(terms, filters)
    ids = list(ranked.values_list("pk", flat=True))
    page_ids = ids[start : start + size]
    if not page_ids:
        return len(ids), []
    by_id = public_documents().in_bulk(page_ids)
    return len(ids), [by_id[pk] for pk in page_ids if pk in by_id]


# ---------------------------------------------------------------- highlighting


MARK_OPEN, MARK_CLOSE = mark_safe("<mark>"), mark_safe("</mark>")
SNIPPET_RADIUS = 110  # characters of context on each side of the first hit


def highlight(text: str, pattern: re.Pattern | None) -> SafeString:
    """The text escaped, with every word the query found inside <mark>…</mark>. Only the
    marks are markup: whatever the text holds (a title with "<script>") is shown as text."""
    if not text:
        return mark_safe("")
    if pattern is None:
        return escape(text)
    parts, last = [], 0
    for hit in pattern.finditer(text):
        parts.append(escape(text[last : hit.start()]))
        parts.append(f"{MARK_OPEN}{escape(hit.group())}{MARK_CLOSE}")
        last = hit.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


def snippet(text: str, pattern: re.Pattern | None, radius: int = SNIPPET_RADIUS) -> SafeString:
    """A piece of the text around the first word the query found, highlighted; the text's
    beginning when it holds none (a support found by its title or a misspelling)."""
    if not text:
        return mark_safe("")
    hit = pattern.search(text) if pattern is not None else None
    if hit is None:
        start, end = 0, min(len(text), 2 * radius)
    else:
        start, end = max(0, hit.start() - radius), min(len(text), hit.end() + radius)
    # Cut at word boundaries, never inside a word.
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < (hit.start() if hit else end) else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > (hit.end() if hit else start) else end
    piece = highlight(text[start:end].strip(), pattern)
    before = "… " if start > 0 else ""
    after = " …" if end < len(text) else ""
    return mark_safe(f"{before}{piece}{after}")  # noqa: S308 - piece is highlight()'s


# ---------------------------------------------------------------- the index, written


_BLOCK_TAGS = re.compile(
    r"</?(?:p|div|li|ul|ol|h[1-6]|br|hr|tr|td|th|thead|tbody|table|caption|blockquote|pre|"
    r"dl|dt|dd|figure|figcaption|section)\b[^>]*>",
    re.IGNORECASE,
)
_TAGS = re.compile(r"<[^>]*>")
_MARKDOWN_MARKS = re.compile(r"[*_`#>|]+|!?\[([^\]]*)\]\([^)]*\)")


def plain_text_of_html(fragment: str) -> str:
    """The words of sanitised HTML (the snapshot's pre-rendered blocks) as one line of text."""
    text = _TAGS.sub("", _BLOCK_TAGS.sub(" ", fragment or ""))
    return " ".join(html.unescape(text).split())


def plain_text_of_markdown(source: str) -> str:
    """Roughly the words of Markdown, for a snippet of a live block (unpublished editions)."""
    return " ".join(_MARKDOWN_MARKS.sub(lambda m: m.group(1) or " ", source or "").split())


def document_fields(
    *, title: str, diagnoses: list[tuple[str, str]], blocks: list[tuple[str, str]]
) -> dict:
    """The index row's values from the support's title, its (code, description) diagnoses
    and its published blocks' (html, care level)."""
    diagnosis_text = "\n".join(f"{code} {description}" for code, description in diagnoses)
    text = "\n".join(t for t in (plain_text_of_html(h) for h, _ in blocks) if t)
    levels = {level for _, level in blocks}
    everyone = not levels or bool(levels & {CareLevel.BOTH, ""})
    return {
        "title": title,
        "diagnoses": diagnosis_text,
        "text": text,
        "folded_title": fold(title),
        "folded_diagnoses": fold(diagnosis_text),
        "folded_text": fold_distinct(text),
        "for_primary": everyone or CareLevel.PRIMARY in levels,
        "for_specialised": everyone or CareLevel.SPECIALISED in levels,
    }


def vector_expression():
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("diagnoses", weight="B", config=CONFIG)
        + SearchVector("text", weight="C", config=CONFIG)
    )


def fill_vectors(document_model, support_ids) -> None:
    """PostgreSQL only: the stored vector, computed by the database from the row's columns."""
    if connection.vendor == "postgresql" and support_ids:
        document_model.objects.filter(pk__in=list(support_ids)).update(vector=vector_expression())


def index_support(support_id: int, edition: Edition, snapshot: Snapshot) -> SearchDocument:
    """Write the support's row from this published edition's publication snapshot."""
    title = Support.objects.filter(pk=support_id).values_list("title", flat=True).get()
    diagnoses = list(
        SupportDiagnosis.objects.filter(support_id=support_id)
        .order_by("code")
        .values_list("code", "description")
    )
    blocks = list(
        SnapshotBlock.objects.filter(snapshot=snapshot)
        .order_by("section__position", "position", "pk")
        .values_list("html", "care_level")
    )
    document, _ = SearchDocument.objects.update_or_create(
        support_id=support_id,
        defaults={
            "edition": edition,
            "published_at": edition.published_at,
            **document_fields(title=title, diagnoses=diagnoses, blocks=blocks),
        },
    )
    fill_vectors(SearchDocument, [support_id])
    return document


def unindex_support(support_id: int) -> None:
    SearchDocument.objects.filter(support_id=support_id).delete()


def index_published_edition(*, edition: Edition, actor, data: dict, record) -> None:
    """Workflow effect of "publish": the support's row now holds this edition. Authoring's
    effects ran first, so the publication snapshot exists; if another order ever puts this
    one first, `snapshot_take` takes it here for the same step (it is idempotent per step)."""
    from apps.authoring.snapshots import snapshot_for, snapshot_take

    snapshot = snapshot_for(edition, SnapshotPurpose.PUBLICATION)
    if snapshot is None:
        snapshot = snapshot_take(
            edition=edition, purpose=SnapshotPurpose.PUBLICATION, transition=record, actor=actor
        )
    index_support(edition.support_id, edition, snapshot)


def unindex_withdrawn_edition(*, edition: Edition, actor, data: dict, record) -> None:
    """Workflow effect of "withdraw": the support leaves search with its last edition."""
    SearchDocument.objects.filter(support_id=edition.support_id, edition=edition).delete()


def refresh_after_public_change(*, support_id: int, reason: str = "") -> None:
    """A public-change listener (after commit) for changes the workflow effects do not see,
    such as a support's title or diagnoses edited: the row is rebuilt from the database.
    Publication and withdrawal are the effects' (inside the step's transaction)."""
    if reason not in {"published", "withdrawn"}:
        reindex_support(support_id)


def reindex_support(support_id: int) -> bool:
    """The support's row as the database says it should be: written from its published
    edition's snapshot, or removed. True when the support is public."""
    support = (
        Support.objects.filter(
            pk=support_id,
            current_published_edition__state=EditionState.PUBLISHED,
        )
        .select_related("current_published_edition")
        .first()
    )
    snapshot = None
    if support is not None:
        snapshot = Snapshot.objects.filter(
            edition=support.current_published_edition, purpose=SnapshotPurpose.PUBLICATION
        ).first()
    if snapshot is None:
        unindex_support(support_id)
        return False
    index_support(support_id, support.current_published_edition, snapshot)
    return True


def reindex_all(*, batch_size: int = 200, models=None) -> tuple[int, int]:
    """Rebuild the whole index from the published editions, a batch of supports at a time
    in a fixed number of queries per batch. Returns (rows written, rows removed). `models`
    lets migration 0001 pass its historical models (a mapping of model names)."""
    m = models or {
        "Support": Support,
        "Snapshot": Snapshot,
        "SnapshotBlock": SnapshotBlock,
        "SupportDiagnosis": SupportDiagnosis,
        "SearchDocument": SearchDocument,
    }
    public = (
        m["Support"]
        .objects.filter(current_published_edition__state=EditionState.PUBLISHED)
        .order_by("pk")
    )
    removed, _ = m["SearchDocument"].objects.exclude(support_id__in=public.values("pk")).delete()
    written = 0
    ids = list(public.values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        supports = list(
            m["Support"]
            .objects.filter(pk__in=chunk)
            .select_related("current_published_edition")
            .order_by("pk")
        )
        editions = {s.pk: s.current_published_edition for s in supports}
        snapshots = dict(
            m["Snapshot"]
            .objects.filter(
                edition_id__in=[e.pk for e in editions.values()],
                purpose=SnapshotPurpose.PUBLICATION,
            )
            .values_list("edition_id", "pk")
        )
        blocks: dict[int, list] = {}
        for snapshot_id, fragment, level in (
            m["SnapshotBlock"]
            .objects.filter(snapshot_id__in=list(snapshots.values()))
            .order_by("snapshot_id", "section__position", "position", "pk")
            .values_list("snapshot_id", "html", "care_level")
        ):
            blocks.setdefault(snapshot_id, []).append((fragment, level))
        diagnoses: dict[int, list] = {}
        for support_id, code, description in (
            m["SupportDiagnosis"]
            .objects.filter(support_id__in=chunk)
            .order_by("support_id", "code")
            .values_list("support_id", "code", "description")
        ):
            diagnoses.setdefault(support_id, []).append((code, description))
        rows = []
        for support in supports:
            edition = editions[support.pk]
            snapshot_id = snapshots.get(edition.pk)
            if snapshot_id is None:
                continue  # published behind the workflow's back, with nothing frozen to read
            rows.append(
                m["SearchDocument"](
                    support_id=support.pk,
                    edition_id=edition.pk,
                    published_at=edition.published_at,
                    **document_fields(
                        title=support.title,
                        diagnoses=diagnoses.get(support.pk, []),
                        blocks=blocks.get(snapshot_id, []),
                    ),
                )
            )
        m["SearchDocument"].objects.filter(support_id__in=chunk).delete()
        m["SearchDocument"].objects.bulk_create(rows)
        fill_vectors(m["SearchDocument"], [row.support_id for row in rows])
        written += len(rows)
    return written, removed


# ---------------------------------------------------------------- unpublished editions

UNPUBLISHED_LIMIT = 20
# Unpublished and still worth finding: everything readable but the public states and the
# abandoned editions (which will never be published).
_NOT_SEARCHED = sorted({*PUBLIC_STATES, EditionState.ABANDONED})


def _word_matches(path: str, terms: Terms, index: int) -> Q:
    """Does the text at `path` hold a word beginning with the stem of the query's word number
    `index`? A case-insensitive regular expression on both databases (SQLite's is Python's
    `re`, which folds "Ö" like "ö"; PostgreSQL's folds by its locale): live text has no
    stored vector, and matching a pattern is many times cheaper than building a tsvector of
    every block at each search."""
    return Q(**{f"{path}__iregex": rf"(^|\W){re.escape(terms.stems[index])}"})


@dataclass
class UnpublishedHit:
    edition: Edition
    title: SafeString
    snippet: SafeString
    state_label: str
    url: str = field(default="")


def search_unpublished(user, terms: Terms, filters: Filters) -> tuple[list[UnpublishedHit], bool]:
    """The unpublished editions this user may read whose title, diagnoses or live text hold
    every word of the query, titles first, then the latest worked on. At most
    UNPUBLISHED_LIMIT, and whether there were more. Nothing for anonymous readers. One
    query, besides the permission check's."""
    if not terms or not getattr(user, "is_authenticated", False):
        return [], False
    editions = Edition.objects.filter(readable_editions_q(user)).exclude(state__in=_NOT_SEARCHED)
    editions = _filter_supports(editions, filters, "support")
    if filters.care_level:
        editions = editions.filter(
            Exists(
                Block.objects.filter(
                    edition=OuterRef("pk"),
                    care_level__in=[filters.care_level, CareLevel.BOTH, ""],
                )
            )
        )
    title_hits = Value(0, output_field=IntegerField())
    for index in range(len(terms.words)):
        in_title = _word_matches("support__title", terms, index)
        in_blocks = Exists(
            Block.objects.filter(edition=OuterRef("pk")).filter(_word_matches("body", terms, index))
        )
        in_diagnoses = Exists(
            SupportDiagnosis.objects.filter(support=OuterRef("support_id")).filter(
                _word_matches("code", terms, index) | _word_matches("description", terms, index)
            )
        )
        editions = editions.filter(in_title | Q(in_blocks) | Q(in_diagnoses))
        title_hits = title_hits + Case(
            When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    matching_body = (
        Block.objects.filter(edition=OuterRef("pk"))
        .filter(_word_matches("body", terms, 0))
        .order_by("section__position", "position")
        .values("body")[:1]
    )
    rows = list(
        editions.select_related("support")
        .annotate(title_hits=title_hits, matching_body=Subquery(matching_body))
        .order_by("-title_hits", "-state_changed_at", "pk")[: UNPUBLISHED_LIMIT + 1]
    )
    pattern = terms.pattern
    hits = [
        UnpublishedHit(
            edition=edition,
            title=highlight(edition.support.title, pattern),
            snippet=snippet(plain_text_of_markdown(edition.matching_body or ""), pattern),
            state_label=str(EditionState(edition.state).label),
            url=edition.get_absolute_url(),
        )
        for edition in rows[:UNPUBLISHED_LIMIT]
    ]
    return hits, len(rows) > UNPUBLISHED_LIMIT

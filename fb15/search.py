"""One search across the application, restricted like every list.

Each app registers what is searchable in its own `search.py` (`register_search_index`);
`search(user, query, limit)` runs one query per registered model, each over
`restrict(user, "view")`, and merges the hits by rank. On PostgreSQL it is German full
text: the `german` configuration stems words ("Anträge" → "antrag") and, like the Snowball
stemmer it uses, drops umlaut marks and turns "ß" into "ss"; every stemmed word also matches
as a prefix ("digitalisier" finds "digitalisierten"), and "ae/oe/ue" is tried as "ä/ö/ü".
The vector is not stored: GIN expression indexes on exactly the expression
`SearchIndex.vector()` builds (each app's `search_indexes` migration, `index_operations`)
serve the filter, and the rank is computed for the matching rows only. bench/search_bench.py,
10,000 measures with 60-word descriptions: 30–170 ms for words in a few per cent of the rows,
~2–4 s for a prefix matching nearly all rows (a stored vector column would be the next step
if that ever matters). On SQLite the same rules run on folded text (search_folding.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connections, models
from django.db.models import Case, ExpressionWrapper, F, FloatField, Q, Value, When
from django.db.models.functions import Coalesce, Concat
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from fb15.search_folding import (
    START,
    STOP,
    highlight,
    mark_sentinels,
    query_groups,
    query_terms,
    umlaut_variant,
)


@dataclass(frozen=True)
class SearchIndex:
    key: str  # in the URL's type filter (?typ=massnahme)
    label: str | Promise  # the German type shown with each hit
    label_plural: str | Promise
    model_label: str  # "measures.Measure"
    title_field: str  # highlighted as the hit's title
    title_fields: tuple[str, ...]  # weight A (the title field and codes)
    text_fields: tuple[str, ...]  # weight B, the snippet comes from them
    code_fields: tuple[str, ...] = ()  # also matched as typed ("M-2.3", "FB 32")
    select_related: tuple[str, ...] = ()
    code: Callable[[models.Model], str] = field(default=lambda obj: "")
    position: int = 100  # results of equal rank and the type filter follow this order

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def vector(self) -> SearchVector:
        """The weighted German text vector the search matches and ranks by."""
        vector = SearchVector(*self.title_fields, weight="A", config="german")
        if self.text_fields:
            vector = vector + SearchVector(*self.text_fields, weight="B", config="german")
        return vector

    def database_indexes(self) -> list[models.Index]:
        """A PostgreSQL GIN index on exactly the expression `vector()` builds, so the planner
        uses it for `vector @@ query` (none if a field is a join: it cannot be indexed)."""
        if any("__" in name for name in self.title_fields + self.text_fields):
            return []
        table = self.model_label.split(".")[1].lower()
        return [GinIndex(self.vector(), name=f"search_{table}_fts")]


_indexes: dict[str, SearchIndex] = {}


def register_search_index(index: SearchIndex) -> SearchIndex:
    """Make a model searchable; each app registers its models in its own search.py."""
    _indexes[index.key] = index
    return index


def search_indexes() -> list[SearchIndex]:
    return sorted(_indexes.values(), key=lambda index: index.position)


def search_index(key: str) -> SearchIndex | None:
    return _indexes.get(key)


def index_operations(app_label: str) -> list:
    """The migration operations that create the GIN (full text) and code-prefix indexes of
    `app_label`'s registered models, so each index lives with its table's app. The indexed
    expression is exactly the one the search queries; changing a SearchIndex's fields needs
    a new migration calling this again. PostgreSQL only; SQLite searches without them."""
    from django.db import migrations

    def statements(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        for index in search_indexes():
            if index.model_label.split(".")[0] != app_label:
                continue
            model = apps.get_model(index.model_label)
            for database_index in index.database_indexes():
                yield (
                    database_index.create_sql(model, schema_editor),
                    database_index.remove_sql(model, schema_editor),
                )
            table = model._meta.db_table
            for name in index.code_fields:
                # Codes typed as a prefix ("M-2.3") match `UPPER(code) LIKE 'M-2.3%'`.
                index_name = quote(f"search_{table.split('_', 1)[1]}_{name}_upper")
                yield (
                    f"CREATE INDEX {index_name} ON {quote(table)} "
                    f"((UPPER({quote(name)}::text)) text_pattern_ops)",
                    f"DROP INDEX IF EXISTS {index_name}",
                )

    def create(apps, schema_editor):
        for sql, _drop in statements(apps, schema_editor):
            schema_editor.execute(sql)

    def drop(apps, schema_editor):
        for _create, sql in statements(apps, schema_editor):
            schema_editor.execute(sql)

    return [migrations.RunPython(create, drop)]


MAX_QUERY_LENGTH = 200
DEFAULT_LIMIT = 100
SNIPPET_WIDTH = 220
_CODE_QUERY_LENGTH = 40  # longer input is not a code


@dataclass
class SearchHit:
    index: SearchIndex
    object: models.Model
    rank: float
    code: str
    title_html: SafeString
    snippet_html: SafeString

    @property
    def type_label(self) -> str:
        return str(self.index.label)

    @property
    def url(self) -> str:
        return self.object.get_absolute_url()


@dataclass
class SearchResults:
    query: str  # as searched: trimmed and cut to MAX_QUERY_LENGTH
    hits: list[SearchHit] = field(default_factory=list)
    is_searchable: bool = False  # the query holds at least one word
    was_shortened: bool = False
    is_truncated: bool = False  # there were more than `limit` hits

    def counts(self) -> list[tuple[SearchIndex, int]]:
        """Hits per type, in the indexes' order, types without hits left out."""
        indexes = search_indexes()
        counted = {index.key: 0 for index in indexes}
        for hit in self.hits:
            counted[hit.index.key] += 1
        return [(index, counted[index.key]) for index in indexes if counted[index.key]]


def clean_query(raw: str | None) -> tuple[str, bool]:
    """Whitespace collapsed, cut to MAX_QUERY_LENGTH; and whether it was cut."""
    query = " ".join((raw or "").split())
    if len(query) > MAX_QUERY_LENGTH:
        return query[:MAX_QUERY_LENGTH].rstrip(), True
    return query, False


def search(user, query: str | None, limit: int = DEFAULT_LIMIT) -> SearchResults:
    """The hits `user` may see for `query`, best first, at most `limit` of them."""
    query, was_shortened = clean_query(query)
    results = SearchResults(query=query, was_shortened=was_shortened)
    if not re.search(r"\w", query):
        return results
    results.is_searchable = True
    for index in search_indexes():
        rows = index.model.objects.restrict(user, "view")
        if index.select_related:
            rows = rows.select_related(*index.select_related)
        if connections[rows.db].vendor == "postgresql":
            hits = _postgres_hits(index, rows, query, limit + 1)
        else:
            hits = _fallback_hits(index, rows, query, limit + 1)
        results.is_truncated |= len(hits) > limit
        results.hits.extend(hits[:limit])
    order = {index.key: position for position, index in enumerate(search_indexes())}
    results.hits.sort(key=lambda hit: (-hit.rank, order[hit.index.key], hit.object.pk))
    results.is_truncated |= len(results.hits) > limit
    del results.hits[limit:]
    return results


class GermanPrefixQuery(SearchQuery):
    """`websearch_to_tsquery('german', …)` with every lexeme as a prefix (`'antrag':*`).

    People type naturally ("Anträge Schule", "-Entwurf", "\"digitale Akte\"", "oder"); the
    websearch parser never fails on odd input. Prefixes make a stem match its longer forms,
    which the German stemmer leaves apart ("digitalisier" / "digitalisiert").
    """

    def __init__(self, value: str):
        super().__init__(value, config="german", search_type="websearch")

    def as_sql(self, compiler, connection, function=None, template=None):
        sql, params = super().as_sql(compiler, connection, function, template)
        prefixed = f"regexp_replace(({sql})::text, $re$('(?:[^']|'')*')$re$, '\\1:*', 'g')::tsquery"
        return prefixed, params


def _postgres_query(query: str) -> SearchQuery:
    # websearch syntax knows the English "or"; German users write "oder" (a stop word).
    query = re.sub(r"(?i)(?<!\w)oder(?!\w)", "or", query)
    combined = GermanPrefixQuery(query)
    variant = umlaut_variant(query)
    if variant != query:
        combined = combined | GermanPrefixQuery(variant)
    return combined


def _joined(fields: tuple[str, ...]):
    """The fields as one text, " · " between them (empty fields count as "")."""
    parts = []
    for name in fields:
        if parts:
            parts.append(Value(" · "))
        parts.append(Coalesce(F(name), Value(""), output_field=models.TextField()))
    if not parts:
        return Value("")
    return parts[0] if len(parts) == 1 else Concat(*parts, output_field=models.TextField())


def _code_match(index: SearchIndex, query: str) -> Q:
    if len(query) > _CODE_QUERY_LENGTH:
        return Q(pk__in=[])
    condition = Q(pk__in=[])
    for name in index.code_fields:
        condition |= Q(**{f"{name}__istartswith": query})
    return condition


def _postgres_hits(index: SearchIndex, rows, query: str, limit: int) -> list[SearchHit]:
    tsquery = _postgres_query(query)
    vector = index.vector()
    code_match = _code_match(index, query)
    headline = {"config": "german", "start_sel": START, "stop_sel": STOP}
    rows = (
        rows.annotate(
            search_vector=vector,
            search_rank=ExpressionWrapper(
                SearchRank(vector, tsquery)
                + Case(When(code_match, then=Value(1.0)), default=Value(0.0)),
                output_field=FloatField(),
            ),
        )
        .filter(Q(search_vector=tsquery) | code_match)
        .annotate(
            search_title=SearchHeadline(
                Coalesce(F(index.title_field), Value(""), output_field=models.TextField()),
                tsquery,
                highlight_all=True,
                **headline,
            ),
            search_snippet=SearchHeadline(
                _joined(index.text_fields),
                tsquery,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
                **headline,
            ),
        )
        .order_by("-search_rank", "pk")[:limit]
    )
    # The headlines are escaped by mark_sentinels before they are marked safe.
    return [
        SearchHit(
            index=index,
            object=row,
            rank=float(row.search_rank),
            code=index.code(row),
            title_html=mark_safe(mark_sentinels(row.search_title)),
            snippet_html=mark_safe(mark_sentinels(_tidy(row.search_snippet))),
        )
        for row in rows
    ]


def _tidy(snippet: str) -> str:
    """Without the separators left over from empty fields."""
    return snippet.strip().removeprefix("·").removesuffix("·").strip()


class Fold(models.Func):
    """SQLite: FB15_FOLD(text), registered on each connection (see apps.py)."""

    function = "FB15_FOLD"
    output_field = models.TextField()


def _contains_all(expression_name: str, terms: list[tuple[str, ...]]) -> Q:
    condition = Q()
    for variants in terms:
        either = Q(pk__in=[])
        for variant in variants:
            either |= Q(**{f"{expression_name}__contains": variant})
        condition &= either
    return condition


def _matches(expression_name: str, groups) -> Q:
    """Any alternative: all its words there, none of its excluded words."""
    condition = Q(pk__in=[])
    for required, excluded in groups:
        group = _contains_all(expression_name, required)
        for variants in excluded:
            group &= ~_contains_all(expression_name, [variants])
        condition |= group
    return condition


def _fallback_hits(index: SearchIndex, rows, query: str, limit: int) -> list[SearchHit]:
    """SQLite: every word (folded, lightly stemmed, any spelling) in the folded fields."""
    groups = query_groups(query)
    terms = query_terms(query)
    code_match = _code_match(index, query)
    rows = (
        rows.alias(
            search_title_text=Fold(_joined(index.title_fields)),
            search_all_text=Fold(_joined(index.title_fields + index.text_fields)),
        )
        .filter(_matches("search_all_text", groups) | code_match)
        .annotate(
            search_rank=Case(
                When(code_match, then=Value(2.0)),
                When(_matches("search_title_text", groups), then=Value(1.0)),
                default=Value(0.4),
                output_field=FloatField(),
            )
        )
        .order_by("-search_rank", "pk")[:limit]
    )
    hits = []
    for row in rows:  # highlight() escapes the text before marking matches
        title = _attribute(row, index.title_field)
        text = " · ".join(
            value for value in (_attribute(row, name) for name in index.text_fields) if value
        )
        hits.append(
            SearchHit(
                index=index,
                object=row,
                rank=float(row.search_rank),
                code=index.code(row),
                title_html=mark_safe(highlight(title, terms)),
                snippet_html=mark_safe(highlight(text, terms, width=SNIPPET_WIDTH)),
            )
        )
    return hits


def _attribute(row: models.Model, lookup: str) -> str:
    """The value behind a lookup such as "standard__title" on a (select_related) row."""
    value = row
    for part in lookup.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return ""
    return str(value)


# The core's own searchable model; the apps register theirs in their search.py.
register_search_index(
    SearchIndex(
        key="fachbereich",
        label=_("Fachbereich"),
        label_plural=_("Fachbereiche"),
        model_label="fb15.OrgUnit",
        title_field="name",
        title_fields=("code", "name"),
        text_fields=(),
        code_fields=("code",),
        code=lambda unit: unit.code,
        position=70,
    )
)

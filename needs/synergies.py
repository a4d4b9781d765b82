"""Synergies: needs, measures and projects of different units that are about the same thing.

`similar_items(user, obj)` answers "Ähnliche Vorhaben in anderen Fachbereichen" for one need,
measure or project. For FB 15's Synergien page the similar items of every open need are
computed in the background and stored (`SynergyCandidate`, services.refresh_synergy_candidates
run by needs/tasks.py); `synergy_needs(user)` and `clusters(user, needs)` read them,
restricted to what the reader may see. Units write the same thing in different words
("E-Akte", "digitale Aktenführung", "DMS-Einführung"), so the words of an item are widened
by a small thesaurus of the administration's synonyms (THESAURUS) before searching.

On PostgreSQL the search is full text with the `german` configuration (each word also as a
prefix, so "termin" finds "Terminbuchung") over the same vectors the header search indexes
(fb15/search.py; a stored copy ranks them, migration 0006), plus trigram similarity of the
titles (`pg_trgm`, GiST). Each index offers its best candidates; only those are scored.
On SQLite the same words are matched in Python over the candidates' folded text. Shared
links (the same trend of the radar, the same Verwaltungsleistung) raise a pair's score.
Pairs FB 15 marked "kein Zusammenhang" never appear. The number of queries does not depend
on the amount of data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.postgres.lookups import TrigramSimilar
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorField,
    TrigramDistance,
    TrigramSimilarity,
)
from django.db import connection, models
from django.db.models import Exists, F, FloatField, OuterRef, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Concat, Greatest
from django.utils.translation import gettext_lazy as _

from fb15.search import search_index
from fb15.search_folding import fold
from measures.models import Measure, Project

from .links import item_key, link_names, shared_links
from .models import Need, SynergyCandidate, SynergyKind, SynergyMark

# `title__trigram_similar` (pg_trgm's `%`, served by the GiST trigram indexes of migrations
# 0003/0006) without installing django.contrib.postgres as an app.
models.CharField.register_lookup(TrigramSimilar)

# Words units use for the same thing; every word widens a query to its whole group.
THESAURUS: tuple[tuple[str, ...], ...] = tuple(
    tuple(group.split())
    for group in (
        "eakte akte akten aktenführung aktenverwaltung dms dokumentenmanagement "
        "dokumentenmanagementsystem schriftgutverwaltung veraktung",
        "termin termine terminvergabe terminbuchung terminvereinbarung terminmanagement "
        "terminreservierung",
        "epayment bezahlen bezahlung zahlung zahlungsverkehr paypal girocard "
        "onlinebezahlung gebühren",
        "erechnung xrechnung rechnungseingang rechnungen rechnung rechnungsbearbeitung",
        "wlan funknetz hotspot hotspots internetzugang",
        "chatbot assistent sprachassistent dialogsystem",
        "gis geodaten geoinformationssystem karten kartendienst geoportal",
        "antrag anträge antragsstrecke onlineantrag formular formulare onlineformular "
        "onlinedienst ozg",
        "signatur unterschrift unterschreiben esignatur fernsignatur",
        "videokonferenz videokonferenzen videosprechstunde videoberatung videotelefonie",
        "scannen scanstelle digitalisierung posteingang poststelle",
        "ratsinformationssystem sitzungsdienst gremien sitzungsmanagement",
        "laptop laptops notebook notebooks endgeräte tablets tablet",
        "ausschreibung vergabe evergabe vergabeplattform beschaffung",
    )
)
# Words too common in the administration's texts to say that two items are alike.
_STOPWORDS_TEXT = (
    "und oder der die das den dem des ein eine einer eines einem für mit von zu zur zum im in "
    "auf aus bei bis als an am wir sie es ist sind wird werden soll sollen über unter nach "
    "nicht auch alle allen bisher heute künftig neue neuen neuer neues stadt stadtverwaltung "
    "verwaltung fachbereich fachbereiche bürger bürgerinnen innen einführung einführen "
    "digital digitale digitalen digitaler online system lösung projekt maßnahme bedarf "
    "beschäftigte mitarbeitende mehr weniger schnell schneller werden wurde haben hat "
    "viele vielen damit dass durch gibt noch nur sehr wie was umsetzung rahmen strategie "
    "federführend federführende bereich beteiligten"
)
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
MAX_TERMS = 40
LIMIT = 5
# Rows each index offers before ranking (per kind and way of finding).
CANDIDATES = 50
# Full text finds an item when its rank passes this; titles alone when trigram passes theirs.
MIN_RANK = 0.06
MIN_TRIGRAM = 0.3
# Links that make two items alike whatever their words: the same trend of the radar, the
# same Verwaltungsleistung (needs/links.py names them on the item's page).
LINKS = ("trends", "services")
SHARED_LINK_BONUS = 0.3


@dataclass
class SimilarItem:
    key: str  # "need:12", "measure:4", "project:7"
    kind: str  # "Bedarfsmeldung", "Maßnahme", "Projekt"
    title: str
    unit_code: str
    url: str  # empty when the reader may see the title only
    score: float
    reason_codes: list[str] = field(default_factory=list)  # keys of REASONS
    mark: str = ""  # FB 15's mark of the pair, if any
    unit_id: int | None = None
    # The links both share by name ("gleiche Verwaltungsleistung: Gewerbe anmelden"), where
    # they were looked up (the Synergien page; needs/links.py)
    named_links: list[str] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        codes = self.reason_codes
        if self.named_links:
            codes = [code for code in codes if code in ("text", "title")]
        return [str(REASONS[code]) for code in codes] + self.named_links


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def words(text: str) -> list[str]:
    """Lower-case words of a text; hyphenated compounds also joined ("E-Akte" → "eakte")."""
    text = text.lower()
    joined = [w.replace("-", "") for w in re.findall(r"\w+(?:-\w+)+", text)]
    return [*re.findall(r"\w+", text), *joined]


def query_terms(text: str, title: str = "") -> list[str]:
    """The words an item is searched by: the words of its title (without stopwords), and
    for every word of title and text the thesaurus group it belongs to (a word belongs to a
    group when it begins with one of its words of four letters or more, so
    "Aktenführungssystem" counts as "aktenführung"). Other words of the text are left out:
    they make every long text look like every other."""
    terms: dict[str, None] = {}
    title_words = set(words(title)) if title else None
    for word in dict.fromkeys(words(text)):
        if len(word) < 3 or word in STOPWORDS or word.isdigit():
            continue
        if title_words is None or word in title_words:
            terms[word] = None
        for group in _groups_of(word):
            terms.update(dict.fromkeys(THESAURUS[group]))
    return list(terms)[:MAX_TERMS]


# The thesaurus groups of each of its words.
_GROUPS_OF_WORD: dict[str, set[int]] = {}
for _n, _group in enumerate(THESAURUS):
    for _word in _group:
        _GROUPS_OF_WORD.setdefault(_word, set()).add(_n)


def _groups_of(word: str) -> list[int]:
    """The thesaurus groups `word` belongs to: as one of their words, or because it begins
    with one of their words of four letters or more (its prefixes of four letters or more
    looked up, not every group searched)."""
    groups = set(_GROUPS_OF_WORD.get(word, ()))
    for length in range(4, len(word)):
        groups |= _GROUPS_OF_WORD.get(word[:length], set())
    return sorted(groups)


def _text_of(obj) -> str:
    if isinstance(obj, Need):
        return " ".join([obj.title, obj.problem, obj.processes, obj.benefit])
    return f"{obj.title} {obj.description}"


# The kinds of item compared (each owned by a unit, `owner`) and their header search index.
KINDS = ((Need, "bedarf"), (Measure, "massnahme"), (Project, "projekt"))


def _candidates(user, model) -> models.QuerySet:
    """Rows of `model` the user may see: needs by title (other units' public ones), measures
    and projects through restrict(). Without a user, every row: the stored candidates are
    computed once for everyone and restricted when read (`clusters`)."""
    if user is None:
        return model.objects.all()
    if model is Need:
        return Need.objects.titles_for(user, mark_readable=True)
    return model.objects.restrict(user, "view")


def _dismissed_and_marks(key: str) -> dict[str, str]:
    """{other item key: mark kind} of FB 15's marks on pairs with `key` (one query)."""
    marks = SynergyMark.objects.filter(Q(key_a=key) | Q(key_b=key)).values_list(
        "key_a", "key_b", "kind"
    )
    return {(b if a == key else a): kind for a, b, kind in marks}


def similar_items(user, obj, limit: int = LIMIT) -> list[SimilarItem]:
    """The items of other units most similar to `obj` that `user` may see, best first
    (all items when `user` is None, without links).

    A constant number of queries: two per kind of item (one on SQLite), one for the marks,
    one for the source's links (trends, services).
    """
    source_key = item_key(obj)
    terms = query_terms(_text_of(obj), obj.title)
    marks = _dismissed_and_marks(source_key)
    links = _link_ids(obj)
    found: list[SimilarItem] = []
    for model, index_key in KINDS:
        others = model._base_manager.exclude(owner_id=obj.owner_id)
        if model is type(obj):
            others = others.exclude(pk=obj.pk)
        visible = _candidates(user, model)
        scored = (
            _scored_postgres(others, visible, index_key, terms, obj.title, links)
            if connection.vendor == "postgresql"
            else _scored_python(visible.filter(pk__in=others.values("pk")), terms, obj.title, links)
        )
        for row, score, reasons in scored:
            key = item_key(row)
            if marks.get(key) == SynergyKind.UNRELATED:
                continue
            # Needs of other units by title only (without a user: no links, see above).
            readable = model is not Need or getattr(row, "is_readable", False)
            found.append(
                SimilarItem(
                    key=key,
                    kind=str(model._meta.verbose_name),
                    title=row.title,
                    unit_code=row.owner.code,
                    url=row.get_absolute_url() if readable else "",
                    score=score,
                    reason_codes=reasons,
                    mark=marks.get(key, ""),
                    unit_id=row.owner_id,
                )
            )
    found.sort(key=lambda item: -item.score)
    return found[:limit]


def _stored_vector(model) -> RawSQL:
    """The row's German text vector as stored by migration 0006 (the same vector the header
    search builds, kept by a trigger): ranking by it parses no text."""
    column = f'{connection.ops.quote_name(model._meta.db_table)}."synergy_vector"'
    return RawSQL(column, [], output_field=SearchVectorField())


def _link_ids(obj) -> dict[str, set[int]]:
    """The ids of what the item links to, per kind of link it has (one query, read from the
    link tables alone)."""
    parts = []
    for name in LINKS:
        if not hasattr(obj, name):
            continue
        field = getattr(type(obj), name).field
        parts.append(
            field.remote_field.through.objects.filter(**{field.m2m_field_name(): obj.pk})
            .annotate(link=Value(name))
            .values_list("link", field.m2m_reverse_name())
        )
    links: dict[str, set[int]] = {name: set() for name in LINKS if hasattr(obj, name)}
    if parts:
        for name, pk in parts[0].union(*parts[1:], all=True):
            links[name].add(pk)
    return links


def _shared_links(model, links: dict[str, set[int]]) -> dict[str, models.Expression]:
    """Per kind of link: how many of `links` a row of `model` shares (a subquery)."""
    zero = Value(0, output_field=models.IntegerField())
    shared = {}
    for name in LINKS:
        ids = links.get(name)
        if not ids or not hasattr(model, name):
            shared[f"shared_{name}"] = zero
            continue
        relation = getattr(model, name)
        through = relation.through
        source_field = relation.field.m2m_field_name()
        target_field = relation.field.m2m_reverse_field_name()
        count = (
            through.objects.filter(
                **{source_field: models.OuterRef("pk"), f"{target_field}__in": ids}
            )
            .values(source_field)
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        shared[f"shared_{name}"] = Coalesce(
            models.Subquery(count, output_field=models.IntegerField()), 0
        )
    return shared


def _scored_postgres(rows, visible, index_key, terms, title, links) -> list[tuple]:
    """Candidates found through indexes, then scored among themselves (two queries).

    The first query is a UNION of each way of finding, each taking its best CANDIDATES
    rows of `rows`: the title is trigram-similar (GiST, nearest first), the text matches the
    terms (the header search's GIN expression index, fb15/search.py; ranked by the stored
    copy of the vector, migration 0006, so no text is parsed again), or the row shares a
    link. The second scores only those of them in `visible` (the reader's restrict(),
    applied once there rather than in every part of the UNION). (In one query, or ORed in
    one WHERE, the planner misjudges the cost of `%` and ts_rank per row and reads the whole
    table.)
    """
    model = rows.model
    rows = rows.order_by()
    similarity = TrigramSimilarity("title", title)
    found = (
        rows.filter(title__trigram_similar=title)
        .order_by(TrigramDistance("title", title))
        .values("pk")[:CANDIDATES]
    )
    rank = Value(0.0, output_field=FloatField())
    if terms:
        raw = " | ".join(f"{term}:*" for term in terms)
        query = SearchQuery(raw, search_type="raw", config="german")
        rank = SearchRank(_stored_vector(model), query)
        matching = rows.alias(search_vector=search_index(index_key).vector())
        found = found.union(
            matching.filter(search_vector=query).order_by(rank.desc()).values("pk")[:CANDIDATES]
        )
    for name, ids in links.items():
        if ids and hasattr(model, name):
            found = found.union(rows.filter(**{f"{name}__in": ids}).values("pk")[:CANDIDATES])
    candidates = (
        visible.filter(pk__in=[row["pk"] for row in found])
        .annotate(text_rank=rank, title_similarity=similarity, **_shared_links(model, links))
        .annotate(
            score=Greatest(F("text_rank"), F("title_similarity"))
            + (F("shared_trends") + F("shared_services")) * SHARED_LINK_BONUS
        )
        .filter(
            Q(text_rank__gte=MIN_RANK)
            | Q(title_similarity__gte=MIN_TRIGRAM)
            | Q(shared_trends__gt=0)
            | Q(shared_services__gt=0)
        )
        .select_related("owner")
        .only("pk", "title", "owner__code")
        .order_by("-score", "pk")[:LIMIT]
    )
    return [
        (
            row,
            row.score,
            _reasons(row.text_rank, row.title_similarity, row.shared_trends, row.shared_services),
        )
        for row in candidates
    ]


# Why two items look alike (stored with the candidates, shown in the reader's language).
REASONS = {
    "text": _("ähnliche Beschreibung"),
    "title": _("ähnlicher Titel"),
    "trend": _("gleicher Trend"),
    "service": _("gleiche Verwaltungsleistung"),
}


def _reasons(
    text_rank: float, title_similarity: float, shared_trends: int, shared_services: int = 0
) -> list[str]:
    reasons = []
    if text_rank >= MIN_RANK:
        reasons.append("text")
    if title_similarity >= MIN_TRIGRAM:
        reasons.append("title")
    if shared_trends:
        reasons.append("trend")
    if shared_services:
        reasons.append("service")
    return reasons


def _scored_python(rows, terms, title, links) -> list[tuple]:
    """The SQLite fallback: the same terms matched as word prefixes over folded text."""
    model = rows.model
    fields = ["title", "description"]
    if model is Need:
        fields = ["title", "problem", "processes", "benefit"]
    prefetch = [name for name in LINKS if hasattr(model, name)]
    folded_terms = {fold(term) for term in terms}
    scored = []
    for row in rows.select_related("owner").prefetch_related(*prefetch):
        text_words = {fold(w) for w in words(" ".join(getattr(row, name) for name in fields))}
        hits = sum(1 for term in folded_terms if any(w.startswith(term) for w in text_words))
        text_rank = hits / (len(folded_terms) or 1) if hits >= 2 else 0.0
        title_similarity = _trigram(title, row.title)
        shared = {
            name: len(links.get(name, set()) & {link.pk for link in getattr(row, name).all()})
            for name in prefetch
        }
        trends, services = shared.get("trends", 0), shared.get("services", 0)
        if text_rank < MIN_RANK and title_similarity < MIN_TRIGRAM and not trends + services:
            continue
        score = max(text_rank, title_similarity) + (trends + services) * SHARED_LINK_BONUS
        scored.append((row, score, _reasons(text_rank, title_similarity, trends, services)))
    scored.sort(key=lambda entry: -entry[1])
    return scored[:LIMIT]


def _trigram(a: str, b: str) -> float:
    """pg_trgm's similarity: shared trigrams of the padded lower-case words over all."""

    def grams(text: str) -> set[str]:
        result = set()
        for word in re.findall(r"\w+", text.lower()):
            padded = f"  {word} "
            result.update(padded[i : i + 3] for i in range(len(padded) - 2))
        return result

    first, second = grams(a), grams(b)
    return len(first & second) / len(first | second) if first and second else 0.0


@dataclass
class Cluster:
    """An open need with its stored similar items of other units (the Synergien page)."""

    need: Need
    items: list[SimilarItem]

    @property
    def key(self) -> str:
        return item_key(self.need)


def _live_candidates() -> models.QuerySet:
    """Stored candidates whose pair FB 15 has not marked "kein Zusammenhang" (checked when
    read too, so a mark counts at once, before the next computation)."""
    need_key = Concat(Value("need:"), Cast("need_id", models.CharField()))
    pair = Q(key_a=OuterRef("need_key"), key_b=OuterRef("item_key")) | Q(
        key_a=OuterRef("item_key"), key_b=OuterRef("need_key")
    )
    dismissed = SynergyMark.objects.filter(pair, kind=SynergyKind.UNRELATED)
    return SynergyCandidate.objects.annotate(need_key=need_key).exclude(Exists(dismissed))


def synergy_needs(user) -> models.QuerySet:
    """The open needs `user` may read that have stored similar items, oldest first: the
    Synergien page's list (paginated)."""
    has_items = _live_candidates().filter(need=OuterRef("pk"))
    return (
        Need.objects.restrict(user, "view")
        .open()
        .filter(Exists(has_items))
        .select_related("owner")
        .order_by("created_at", "pk")
    )


def clusters(user, needs: Iterable[Need]) -> list[Cluster]:
    """The stored similar items of `needs`, as far as `user` may see them (needs of other
    units by title only). A pair seen from both sides is shown once, under the older need.
    A constant number of queries: the candidates, one per kind of item (needs marked as
    the reader may open them), the marks and the names of the links the items share
    (needs/links.py)."""
    needs = list(needs)
    rows = list(_live_candidates().filter(need__in=needs).order_by("need", "-score", "pk"))
    wanted: dict[str, set[int]] = {}
    for row in rows:
        name, pk = row.item_key.split(":")
        wanted.setdefault(name, set()).add(int(pk))
    objects = {
        f"{name}:{obj.pk}": obj
        for name, pks in wanted.items()
        for obj in _candidates(user, MODELS_BY_NAME[name])
        .filter(pk__in=pks)
        .select_related("owner")
    }
    need_keys = [item_key(need) for need in needs]
    marks = {
        pair_key(a, b): kind
        for a, b, kind in SynergyMark.objects.filter(
            Q(key_a__in=need_keys) | Q(key_b__in=need_keys)
        ).values_list("key_a", "key_b", "kind")
    }
    names = link_names([*needs, *objects.values()])
    need_by_pk = {need.pk: need for need in needs}
    by_need: dict[int, list[SimilarItem]] = {}
    seen: set[tuple[str, str]] = set()
    for row in rows:
        obj = objects.get(row.item_key)
        pair = pair_key(row.need_key, row.item_key)
        if obj is None or pair in seen:
            continue
        seen.add(pair)
        readable = not isinstance(obj, Need) or obj.is_readable
        by_need.setdefault(row.need_id, []).append(
            SimilarItem(
                key=row.item_key,
                kind=str(obj._meta.verbose_name),
                title=obj.title,
                unit_code=obj.owner.code,
                url=obj.get_absolute_url() if readable else "",
                score=row.score,
                reason_codes=row.reasons,
                mark=marks.get(pair, ""),
                named_links=shared_links(need_by_pk[row.need_id], obj, names),
            )
        )
    return [Cluster(need=need, items=by_need[need.pk]) for need in needs if need.pk in by_need]


def last_computed():
    """When the stored candidates were last computed (None before the first run)."""
    return SynergyCandidate.objects.aggregate(last=models.Max("computed_at"))["last"]


KEY_PATTERN = re.compile(r"^(need|measure|project):(\d{1,12})$")
MODELS_BY_NAME = {"need": Need, "measure": Measure, "project": Project}


def item_by_key(key: str):
    """The need, measure or project a key names, unrestricted (for the computation); else
    None."""
    match = KEY_PATTERN.match(key or "")
    if match is None:
        return None
    model = MODELS_BY_NAME[match.group(1)]
    return model.objects.filter(pk=int(match.group(2))).first()


def readable_item(user, key: str):
    """The need, measure or project a key names, if `user` may read it; else None."""
    match = KEY_PATTERN.match(key or "")
    if match is None:
        return None
    model = MODELS_BY_NAME[match.group(1)]
    return model.objects.restrict(user, "view").filter(pk=int(match.group(2))).first()


def marked_pairs(user) -> list[tuple[SynergyMark, object, object]]:
    """FB 15's marks with both items, as far as `user` may read them (three queries)."""
    marks = list(SynergyMark.objects.restrict(user, "view").select_related("marked_by"))
    wanted: dict[str, set[int]] = {}
    for mark in marks:
        for key in (mark.key_a, mark.key_b):
            name, pk = key.split(":")
            wanted.setdefault(name, set()).add(int(pk))
    objects = {
        f"{name}:{obj.pk}": obj
        for name, pks in wanted.items()
        for obj in MODELS_BY_NAME[name]
        .objects.restrict(user, "view")
        .filter(pk__in=pks)
        .select_related("owner")
    }
    return [
        (mark, objects[mark.key_a], objects[mark.key_b])
        for mark in marks
        if mark.key_a in objects and mark.key_b in objects
    ]


def mark_pair(*, actor, key_a: str, key_b: str, kind: str, comment: str = "") -> SynergyMark:
    """FB 15's mark on a pair (zusammenführen / abstimmen / kein Zusammenhang), with history."""
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from fb15.history import save_with_history

    if not SynergyMark.objects.may_add(actor):
        raise PermissionDenied
    first, second = pair_key(key_a, key_b)
    with transaction.atomic():
        mark = SynergyMark.objects.filter(key_a=first, key_b=second).first() or SynergyMark(
            key_a=first, key_b=second
        )
        mark.kind, mark.comment, mark.marked_by = kind, comment, actor
        save_with_history(mark, actor=actor, reason=f"Markiert: {mark.get_kind_display()}")
    return mark

"""What is searchable: one `SearchIndex` per model, in the order results are grouped.

Each index names the fields that are searched (title fields weigh more than text fields),
the field shown as the highlighted title and a plain code shown before it. The rows always
come from the model's `restrict(user, "view")`, so the search shows nothing a list would not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


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


def _exemption_code(exemption) -> str:
    return f"{exemption.unit.code} · {exemption.standard.code}"


INDEXES: tuple[SearchIndex, ...] = (
    SearchIndex(
        key="handlungsfeld",
        label=_("Handlungsfeld"),
        label_plural=_("Handlungsfelder"),
        model_label="strategy.FieldOfAction",
        title_field="title",
        title_fields=("title",),
        text_fields=("description",),
    ),
    SearchIndex(
        key="ziel",
        label=_("Ziel"),
        label_plural=_("Ziele"),
        model_label="strategy.Goal",
        title_field="title",
        title_fields=("title",),
        text_fields=("description",),
    ),
    SearchIndex(
        key="massnahme",
        label=_("Maßnahme"),
        label_plural=_("Maßnahmen"),
        model_label="measures.Measure",
        title_field="title",
        title_fields=("code", "title"),
        text_fields=("description", "funding_source"),
        code_fields=("code",),
        code=lambda measure: measure.code,
    ),
    SearchIndex(
        key="projekt",
        label=_("Projekt"),
        label_plural=_("Projekte"),
        model_label="measures.Project",
        title_field="title",
        title_fields=("code", "title"),
        text_fields=("description",),
        code_fields=("code",),
        code=lambda project: project.code,
    ),
    SearchIndex(
        key="standard",
        label=_("Standard"),
        label_plural=_("Standards"),
        model_label="standards.Standard",
        title_field="title",
        title_fields=("code", "title"),
        text_fields=("description", "references"),
        code_fields=("code",),
        code=lambda standard: standard.code,
    ),
    SearchIndex(
        key="ausnahme",
        label=_("Ausnahme"),
        label_plural=_("Ausnahmen"),
        model_label="standards.Exemption",
        title_field="standard__title",
        title_fields=("standard__title", "standard__code", "unit__code"),
        text_fields=("justification", "decision_reason"),
        select_related=("unit", "standard"),
        code=_exemption_code,
    ),
    SearchIndex(
        key="trend",
        label=_("Trend"),
        label_plural=_("Trends"),
        model_label="standards.Trend",
        title_field="title",
        title_fields=("title",),
        text_fields=("description", "rationale"),
    ),
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
    ),
)

INDEXES_BY_KEY = {index.key: index for index in INDEXES}

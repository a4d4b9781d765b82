"""The import itself: propose a plan for a file, check it (dry run), write it.

The dry run and the write are one path: both apply every row through the apps' services
inside one transaction; the dry run rolls it back at the end, so what it reports is exactly
what confirming will do — references between sheets of one file included (a measure of a
unit the file creates). Each row runs in a savepoint, so one bad row neither hides the
errors of the others nor, when only valid rows are to be written, takes them down.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from .files import Sheet, open_spreadsheet
from .kinds import KINDS, Applied, Column, ComplianceKind, Kind, RowError
from .models import ImportMapping, WriteMode, headers_signature
from .values import normalise, parse_text
from .vocabularies import VOCABULARIES, WordBook

MAX_ROWS = 20_000  # per file; larger files are split by the user (a clear message says so)
IGNORED = ""
PROGRESS_EVERY = 100


class PlanError(ValueError):
    """The file or its plan cannot be imported at all; str(e) is a German sentence."""


# --------------------------------------------------------------------------- planning


def detect_kind(sheet: Sheet) -> str | None:
    """The kind whose sheet names or columns the sheet matches best (None: not importable)."""
    headers = {normalise(header) for header in sheet.headers if header}
    best, best_score = None, 0
    for name, kind in KINDS.items():
        score = sum(2 for column in kind.columns if column.names() & headers)
        if normalise(sheet.name) in {normalise(n) for n in kind.sheet_names}:
            score += 3
        required = [column for column in kind.columns if column.required]
        if kind is not ComplianceKind and not all(column.names() & headers for column in required):
            score = min(score, 3)  # a sheet named right but lacking columns is still proposed
        if score > best_score:
            best, best_score = name, score
    return best if best_score >= 3 else None


def match_columns(kind_name: str, headers: list[str]) -> list[str]:
    """Each header's field by name and synonyms; a field is matched once, first header wins."""
    kind = KINDS[kind_name]
    fields, taken = [], set()
    for header in headers:
        key = normalise(header)
        match = next(
            (c.field for c in kind.columns if key in c.names() and c.field not in taken), IGNORED
        )
        if kind is ComplianceKind and match == IGNORED and header:
            match = ComplianceKind.standard_field
        taken.add(match)
        fields.append(match)
    return fields


def propose_plan(path, file_name: str) -> dict:
    """The plan for a file: per sheet the kind and columns, from a saved mapping of the same
    shape if there is one, else by names and synonyms; the saved value words."""
    sheets = open_spreadsheet(path, file_name)
    plan = {"sheets": [], "values": {}}
    saved = {
        mapping.signature: mapping
        for mapping in ImportMapping.objects.filter(
            signature__in=[headers_signature(sheet.headers) for sheet in sheets]
        )
    }
    for sheet in sheets:
        mapping = saved.get(headers_signature(sheet.headers))
        if mapping is not None:
            kind = mapping.kind
            columns = [mapping.columns.get(header, IGNORED) for header in sheet.headers]
            for vocabulary, words in mapping.values.items():
                plan["values"].setdefault(vocabulary, {}).update(words)
        else:
            kind = detect_kind(sheet) if sheet.headers else None
            columns = match_columns(kind, sheet.headers) if kind else [IGNORED] * len(sheet.headers)
        plan["sheets"].append(
            {
                "name": sheet.name,
                "kind": kind or "",
                "headers": sheet.headers,
                "columns": columns,
                "saved": mapping is not None,
                "samples": _samples(sheet),
            }
        )
    return plan


def _samples(sheet: Sheet, rows: int = 3) -> list[str]:
    """The first values of each column, shown next to its header while mapping."""
    seen: list[list[str]] = [[] for _header in sheet.headers]
    for number, row in enumerate(sheet.rows()):
        if number >= rows:
            break
        for column, value in enumerate(row.values):
            if value is not None:
                seen[column].append(_cell_text(value))
    return [", ".join(values) for values in seen]


def save_mappings(plan: dict, *, actor) -> None:
    """Remember each imported sheet's columns and the value words its kind uses."""
    for sheet in plan["sheets"]:
        if not sheet["kind"]:
            continue
        kind = KINDS[sheet["kind"]]
        vocabularies = {column.vocabulary for column in kind.columns if column.vocabulary}
        ImportMapping.objects.update_or_create(
            signature=headers_signature(sheet["headers"]),
            defaults={
                "kind": sheet["kind"],
                "headers": sheet["headers"],
                "columns": dict(zip(sheet["headers"], sheet["columns"], strict=True)),
                "values": {
                    name: words for name, words in plan["values"].items() if name in vocabularies
                },
                "updated_by": actor,
            },
        )


# --------------------------------------------------------------------------- running


@dataclass
class RowResult:
    sheet: str
    row: int
    action: str  # create | update | unchanged | error
    label: str = ""
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)  # the row as read, for the rejected rows

    def fail(self, messages) -> None:
        self.action = "error"
        # Name the row as the file does: its first two cells (code and title, mostly).
        self.label = self.label or " ".join(cell for cell in self.cells[:2] if cell)
        self.errors += [
            _("Zeile %(row)s: %(message)s") % {"row": self.row, "message": m} for m in messages
        ]


@dataclass
class Context:
    actor: object
    reason: str
    words: WordBook
    deferred: list = field(default_factory=list)
    current: RowResult | None = None
    notes: dict[str, None] = field(default_factory=dict)  # once each, in order

    def note(self, text: str) -> None:
        self.notes[text] = None

    def defer(self, function: Callable, *args) -> None:
        """Run `function(*args, context)` after all sheets (e.g. a unit's lead from the
        people sheet); its errors and changes count for the current row."""
        self.deferred.append((self.current, function, args))


def _cell_text(value) -> str:
    return "" if value is None else str(parse_text(value) if not isinstance(value, str) else value)


def _parse(kind: Kind, sheet_plan: dict, row, words: WordBook) -> tuple[dict, list[str]]:
    data, errors = {}, []  # data: field -> (cell value, header)
    by_field: dict[str, Column] = {column.field: column for column in kind.columns}
    cells = {}
    for header, name, value in zip(
        sheet_plan["headers"], sheet_plan["columns"], row.values, strict=False
    ):
        if name == ComplianceKind.standard_field:
            cells[header] = (value, header)
        elif name:
            data[name] = (value, header)
    parsed = {}
    for name, (value, header) in data.items():
        column = by_field[name]
        try:
            parsed[name] = _parse_cell(column, value, words)
        except ValueError as error:
            errors.append(
                _("Spalte „%(header)s“: %(message)s") % {"header": header, "message": error}
            )
            continue
        if column.required and parsed[name] in (None, [], ""):
            errors.append(_("Spalte „%(header)s“: leer (Pflichtangabe).") % {"header": header})
    if kind.name == ComplianceKind.name:
        parsed["cells"] = {}
        for code, (value, header) in cells.items():
            try:
                parsed["cells"][code] = _parse_cell(
                    Column("state", header, vocabulary="compliance"), value, words
                )
            except ValueError as error:
                errors.append(
                    _("Spalte „%(header)s“: %(message)s") % {"header": header, "message": error}
                )
    return parsed, errors


def _parse_cell(column: Column, value, words: WordBook):
    if column.vocabulary is None and not column.many:
        return column.parse(value)
    text = parse_text(value)
    if text is None:
        return [] if column.many else None
    items = (
        [part.strip() for part in text.replace(";", ",").replace("\n", ",").split(",")]
        if column.many
        else [text]
    )
    items = [item for item in items if item]
    if column.vocabulary:
        if column.vocabulary == "compliance" and normalise(text) == normalise(_("Ausnahme")):
            raise ValueError(
                _(
                    "„Ausnahme“ wird nicht importiert – Ausnahmen beantragt der Fachbereich, "
                    "FB 15 genehmigt sie."
                )
            )
        items = [words.value(column.vocabulary, item) for item in items]
    return items if column.many else items[0]


def missing_required(kind: Kind, columns: list[str]) -> list[str]:
    return [c.header for c in kind.columns if c.required and c.field not in columns]


def run_import(
    path,
    file_name: str,
    plan: dict,
    *,
    actor,
    write: bool,
    mode: str = WriteMode.ALL,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Check (`write=False`) or write a file by its plan; returns the result (JSON-ready):
    rows, counts, unknown words, rows missing from the file, notes, and whether anything
    was written."""
    sheets = {sheet.name: sheet for sheet in open_spreadsheet(path, file_name)}
    order = list(KINDS)
    planned = sorted(
        (sheet for sheet in plan["sheets"] if sheet["kind"]), key=lambda s: order.index(s["kind"])
    )
    if not planned:
        raise PlanError(_("Keine Tabelle ist einer Importart zugeordnet."))
    words = WordBook(plan.get("values", {}))
    context = Context(
        actor=actor, reason=_("Import aus %(file)s") % {"file": file_name}, words=words
    )
    results: list[RowResult] = []
    notes, missing = [], []
    done = 0
    with transaction.atomic():
        for sheet_plan in planned:
            sheet = sheets[sheet_plan["name"]]
            kind = KINDS[sheet_plan["kind"]]()
            absent = missing_required(kind, sheet_plan["columns"])
            if absent:
                notes.append(
                    _("Tabelle „%(sheet)s“: Pflichtspalte „%(columns)s“ fehlt – bitte zuordnen.")
                    % {"sheet": sheet.name, "columns": "“, „".join(absent)}
                )
                continue
            kind.prepare(context)
            seen: dict[str, int] = {}
            rows = 0
            for row in sheet.rows():
                rows += 1
                result = RowResult(
                    sheet.name, row.number, "error", cells=[_cell_text(v) for v in row.values]
                )
                context.current = result
                results.append(result)
                _apply_row(kind, sheet_plan, row, context, result, seen)
                done += 1
                if done > MAX_ROWS:
                    raise PlanError(
                        _(
                            "Die Datei hat mehr als %(max)s Zeilen – "
                            "bitte in mehrere Dateien aufteilen."
                        )
                        % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
                    )
                if progress and done % PROGRESS_EVERY == 0:
                    progress(done)
            kind.flush(context)
            if rows == 0:
                notes.append(
                    _("Tabelle „%(sheet)s“ enthält keine Datenzeilen.") % {"sheet": sheet.name}
                )
            elif any(r.action != "error" for r in results if r.sheet == sheet.name):
                missing += [
                    {"sheet": sheet.name, "label": label} for label in kind.missing(set(seen))
                ]
            notes += [
                _("Tabelle „%(sheet)s“: Fußnote übergangen: „%(text)s“")
                % {"sheet": sheet.name, "text": text}
                for text in sheet.footnotes
            ]
        for result, function, args in context.deferred:
            if result.action == "error":
                continue
            try:
                with transaction.atomic():
                    changes = function(*args, context)
            except RowError as error:
                result.fail(error.messages)
            else:
                if changes and result.action == "unchanged":
                    result.action = "update"
                result.changes += changes
        notes += list(context.notes)
        # The choices for unknown words, read while the run's own rows exist: a unit the
        # file creates is a valid answer for "FB 61/303" in the same file.
        options = {name: VOCABULARIES[name].options() for name in words.unknown}
        errors = sum(1 for r in results if r.action == "error")
        written = write and (errors == 0 or mode == WriteMode.VALID_ONLY)
        if not written:
            transaction.set_rollback(True)
    counts = dict.fromkeys(("create", "update", "unchanged", "error"), 0)
    for result in results:
        counts[result.action] += 1
    return {
        "written": written,
        "counts": counts,
        "rows": [asdict(result) for result in results],
        "unknown": {name: list(found) for name, found in words.unknown.items()},
        "options": options,
        "missing": missing,
        "notes": notes,
    }


def _apply_row(
    kind: Kind, sheet_plan: dict, row, context: Context, result: RowResult, seen: dict
) -> None:
    data, errors = _parse(kind, sheet_plan, row, context.words)
    key = data.get(kind.key_field)
    if isinstance(key, str) and key:
        normal = normalise(key)
        if normal in seen:
            errors.append(
                _("„%(key)s“ steht in der Datei mehrfach (auch in Zeile %(row)s).")
                % {"key": key, "row": seen[normal]}
            )
        else:
            seen[normal] = row.number
    if errors:
        result.fail(errors)
        return
    try:
        if kind.batches_creates:
            applied: Applied = kind.apply(data, context)
        else:
            with transaction.atomic():
                applied = kind.apply(data, context)
    except RowError as error:
        result.fail(error.messages)
    except PermissionDenied:
        result.fail([_("Sie dürfen diese Zeile nicht ändern.")])
    except (ValidationError, ObjectDoesNotExist, DatabaseError) as error:
        message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        result.fail([message])
    else:
        result.action, result.label, result.changes = applied.action, applied.label, applied.changes
        seen[applied.key] = row.number

"""Standards from an OSCAL catalog in JSON, as the BSI publishes its Grundschutz++ and
Stand-der-Technik requirements and its minimum standards.

A catalog's group becomes the standard's topic, each control (nested ones too) a standard:
the control id is its code (and the key on re-import), the control title its title, the
statement's prose its description, and the modal verb (MUSS / SOLLTE / KANN) its obligation.
The BSI names the verb in a `modal_verb` property of the statement; controls without it say
it in capitals in the prose ("… MUSS … sichergestellt werden").

`read_catalog` checks the whole file first (a German `OscalError` and nothing stored if it
is no catalog); `run_catalog` then checks or writes it like a spreadsheet run (same result
shape, so the import run page shows new / changed / unchanged the same way).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from standards.models import Category, Obligation, Standard, StandardStatus
from standards.services import save_standard

from .engine import RowResult
from .kinds import RowError, assign, validate

MAX_BYTES = 5 * 1024 * 1024
MAX_CONTROLS = 5000
CODE_MAX_LENGTH = Standard._meta.get_field("code").max_length
TITLE_MAX_LENGTH = Standard._meta.get_field("title").max_length
# The root objects of the other OSCAL models, to say what a wrong file is.
OTHER_MODELS = {
    "profile": "Profil (profile)",
    "component-definition": "Komponentendefinition (component-definition)",
    "system-security-plan": "Sicherheitskonzept (system-security-plan)",
    "assessment-plan": "Prüfplan (assessment-plan)",
    "assessment-results": "Prüfergebnis (assessment-results)",
    "plan-of-action-and-milestones": "Maßnahmenplan (plan-of-action-and-milestones)",
    "mapping-collection": "Zuordnung (mapping-collection)",
}
# BSI modal verbs (RFC 2119 in German); "DARF NUR" binds like MUSS.
MODAL_VERBS = {
    "MUSS": Obligation.MUST,
    "MÜSSEN": Obligation.MUST,
    "SOLLTE": Obligation.SHOULD,
    "SOLLTEN": Obligation.SHOULD,
    "KANN": Obligation.MAY,
    "KÖNNEN": Obligation.MAY,
    "DARF": Obligation.MUST,
    "DÜRFEN": Obligation.MUST,
}
# A verb in capitals followed by a space ("SOLLTE- Anforderungen" names a level, no verb).
VERB_IN_PROSE = re.compile(r"\b(MUSS|MÜSSEN|SOLLTEN?|KANN|KÖNNEN|DARF|DÜRFEN)(?= )( NICHT\b)?")
PARAM_INSERT = re.compile(r"\{\{\s*insert:\s*param,\s*([^}\s]+)\s*\}\}")
SHEET = "OSCAL"


class OscalError(Exception):
    """The file is no OSCAL catalog fb15 can read; the message is German."""


@dataclass(frozen=True)
class Control:
    code: str
    title: str
    topic: str
    statement: str
    obligation: str
    obligation_found: bool


@dataclass(frozen=True)
class Catalog:
    title: str
    version: str
    controls: list[Control]


def obligation_of(verb: str) -> str | None:
    """ "MUSS" → Muss, "SOLLTE" → Soll, "KANN" → Kann, "DARF NICHT" → Darf nicht."""
    words = verb.upper().split()
    if not words or words[0] not in MODAL_VERBS:
        return None
    if words[0] in ("DARF", "DÜRFEN") and "NICHT" in words:
        return Obligation.MUST_NOT
    return MODAL_VERBS[words[0]]


def read_catalog(data: bytes) -> Catalog:
    """The catalog in `data`, checked as a whole; OscalError (German) if it is none."""
    if len(data) > MAX_BYTES:
        raise OscalError(
            _(
                "Die Datei ist größer als %(mb)s MB – "
                "ein OSCAL-Katalog dieser Größe wird nicht importiert."
            )
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise OscalError(_("Die Datei ist nicht in UTF-8 kodiert.")) from error
    except json.JSONDecodeError as error:
        raise OscalError(
            _("Die Datei ist kein gültiges JSON (Zeile %(line)s, Spalte %(column)s).")
            % {"line": error.lineno, "column": error.colno}
        ) from error
    if not isinstance(document, dict) or "catalog" not in document:
        other = next((label for key, label in OTHER_MODELS.items() if key in document), None)
        if isinstance(document, dict) and other:
            raise OscalError(
                _("Die Datei ist ein OSCAL-%(model)s, kein Katalog (catalog).") % {"model": other}
            )
        raise OscalError(_("Die Datei ist kein OSCAL-Katalog: das Objekt „catalog“ fehlt."))
    catalog = document["catalog"]
    metadata = catalog.get("metadata") if isinstance(catalog, dict) else None
    if not isinstance(metadata, dict) or not _text(metadata.get("title")):
        raise OscalError(_("Dem OSCAL-Katalog fehlen die Metadaten mit Titel (metadata.title)."))
    controls: list[Control] = []
    seen: set[str] = set()
    _walk(catalog, topic="", params={}, controls=controls, seen=seen)
    if not controls:
        raise OscalError(_("Der OSCAL-Katalog enthält keine Anforderungen (controls)."))
    return Catalog(
        title=_text(metadata["title"])[:200],
        version=_text(metadata.get("version"))[:100],
        controls=controls,
    )


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _items(parent: dict, key: str) -> list[dict]:
    items = parent.get(key, [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise OscalError(_("„%(key)s“ ist im Katalog keine Liste von Objekten.") % {"key": key})
    return items


def _claim(identifier, seen: set[str], what: str) -> str:
    identifier = _text(identifier)
    if not identifier:
        raise OscalError(_("Eine Gruppe oder Anforderung des Katalogs hat keine Kennung (id)."))
    if identifier in seen:
        raise OscalError(
            _("Die Kennung „%(id)s“ kommt im Katalog mehrfach vor (%(what)s).")
            % {"id": identifier, "what": what}
        )
    seen.add(identifier)
    return identifier


def _walk(node: dict, *, topic: str, params: dict, controls: list[Control], seen: set[str]):
    for group in _items(node, "groups"):
        _claim(group.get("id"), seen, _("Gruppe"))
        _walk(
            group,
            topic=_text(group.get("title")) or topic,
            params=params | _params(group),
            controls=controls,
            seen=seen,
        )
    for control in _items(node, "controls"):
        code = _claim(control.get("id"), seen, _("Anforderung"))
        if len(controls) >= MAX_CONTROLS:
            raise OscalError(
                _("Der Katalog hat mehr als %(max)s Anforderungen – bitte aufteilen.")
                % {"max": MAX_CONTROLS}
            )
        own_params = params | _params(control)
        controls.append(_control(control, code, topic, own_params))
        _walk(control, topic=topic, params=own_params, controls=controls, seen=seen)


def _params(node: dict) -> dict[str, str]:
    """{param id: what to insert}: its label (the BSI's wording), else its values."""
    found = {}
    for param in _items(node, "params"):
        values = param.get("values") if isinstance(param.get("values"), list) else []
        found[_text(param.get("id"))] = _text(param.get("label")) or ", ".join(
            value for value in values if isinstance(value, str)
        )
    return found


def _control(control: dict, code: str, topic: str, params: dict[str, str]) -> Control:
    title = _text(control.get("title"))
    if not title:
        raise OscalError(_("Die Anforderung „%(id)s“ hat keinen Titel.") % {"id": code})
    if len(code) > CODE_MAX_LENGTH:
        raise OscalError(
            _("Die Kennung „%(id)s“ ist länger als %(max)s Zeichen.")
            % {"id": code, "max": CODE_MAX_LENGTH}
        )
    if len(title) > TITLE_MAX_LENGTH:
        raise OscalError(
            _("Der Titel der Anforderung „%(id)s“ ist länger als %(max)s Zeichen.")
            % {"id": code, "max": TITLE_MAX_LENGTH}
        )
    statements = [part for part in _items(control, "parts") if part.get("name") == "statement"]
    prose, verbs = [], []
    for part in statements:
        _collect(part, prose, verbs)
    statement = "\n".join(prose)
    statement = PARAM_INSERT.sub(lambda m: params.get(m.group(1)) or m.group(1), statement)
    obligation = next(filter(None, map(obligation_of, verbs)), None)
    if obligation is None:
        match = VERB_IN_PROSE.search(statement)
        obligation = obligation_of(match.group(0)) if match else None
    return Control(
        code=code,
        title=title,
        topic=topic[:200],
        statement=statement,
        obligation=obligation or Obligation.MUST,
        obligation_found=obligation is not None,
    )


def _collect(part: dict, prose: list[str], verbs: list[str]) -> None:
    if _text(part.get("prose")):
        prose.append(_text(part["prose"]))
    for prop in _items(part, "props"):
        if prop.get("name") == "modal_verb" and isinstance(prop.get("value"), str):
            verbs.append(prop["value"])
    for sub in _items(part, "parts"):
        _collect(sub, prose, verbs)


def run_catalog(catalog: Catalog, *, actor, write: bool, reason: str) -> dict:
    """Check (`write=False`) or write the catalog's controls as standards, keyed by code.
    New standards are drafts in the category IT-Sicherheit; an existing one keeps its
    status, category and dates. Returns the result in the shape of `engine.run_import`."""
    existing = {standard.code: standard for standard in Standard.objects.all()}
    results: list[RowResult] = []
    notes = []
    with transaction.atomic():
        for number, control in enumerate(catalog.controls, start=1):
            standard = existing.get(control.code) or Standard(
                code=control.code, category=Category.SECURITY, status=StandardStatus.DRAFT
            )
            is_new = standard.pk is None
            changes = assign(
                standard,
                {
                    "title": control.title,
                    "topic": control.topic,
                    "description": control.statement,
                    "obligation": control.obligation,
                    "source_catalog": catalog.title,
                    "source_version": catalog.version,
                },
            )
            action = "create" if is_new else "update" if changes else "unchanged"
            result = RowResult(SHEET, number, action, f"{control.code} {control.title}", changes)
            results.append(result)
            try:
                validate(standard, {}, exclude=["responsible", "superseded_by"])
            except RowError as error:
                result.fail(error.messages)
                continue
            if not control.obligation_found:
                notes.append(
                    _(
                        "%(code)s: keine Verbindlichkeit (MUSS/SOLLTE/KANN) im Text – "
                        "als „Muss“ übernommen."
                    )
                    % {"code": control.code}
                )
            if is_new or changes:
                save_standard(standard, actor=actor, reason=reason)
        errors = sum(1 for result in results if result.action == "error")
        written = write and errors == 0
        if not written:
            transaction.set_rollback(True)
    in_file = {control.code for control in catalog.controls}
    missing = [
        {"sheet": SHEET, "label": str(standard)}
        for code, standard in existing.items()
        if standard.source_catalog == catalog.title and code not in in_file
    ]
    counts = dict.fromkeys(("create", "update", "unchanged", "error"), 0)
    for result in results:
        counts[result.action] += 1
    return {
        "written": written,
        "counts": counts,
        "rows": [asdict(result) for result in results],
        "unknown": {},
        "options": {},
        "missing": missing,
        "notes": notes,
    }

"""The import as FB 15 uses it: plan, dry run, write, re-import, by every kind."""

import datetime
from decimal import Decimal

import pytest

from fb15.models import OrgUnit, Role, User
from imports.engine import MAX_ROWS, PlanError, propose_plan, run_import
from imports.exports import export_sheets, template_sheets
from imports.models import ImportMapping
from imports.workbooks import write_ods, write_xlsx
from measures.models import Measure, Priority, Project, Status
from standards.models import Compliance, ComplianceState, Standard
from strategy.models import FieldOfAction, Goal
from tests.factories import FieldOfActionFactory, GoalFactory, StrategyFactory
from tests.imports.conftest import check, errors_of, rows_of, xlsx

pytestmark = pytest.mark.django_db

MEASURE_HEADERS = [
    "Kennung",
    "Maßnahme",
    "Ziel",
    "Federführung",
    "Prio",
    "Status",
    "Beginn",
    "Budget",
]


@pytest.fixture
def goals(personas):
    strategy = StrategyFactory()
    field = FieldOfActionFactory(strategy=strategy, position=1, title="Digitale Services")
    return {
        "1.1": GoalFactory(field_of_action=field, position=1, title="Alles online"),
        "1.2": GoalFactory(field_of_action=field, position=2, title="Termine digital"),
    }


def test_the_template_imports_every_kind_and_the_dry_run_writes_nothing(personas, tmp_path):
    path = tmp_path / "vorlage.xlsx"
    path.write_bytes(write_xlsx(template_sheets()))
    strategist = personas["strategist"]
    units_before = OrgUnit.objects.count()

    result = check(path, strategist)

    assert errors_of(result) == []
    assert result["written"] is False
    assert result["counts"]["create"] == 5  # FB 32 exists already: updated
    assert OrgUnit.objects.count() == units_before
    assert not Measure.objects.exists() and not Standard.objects.exists()


def test_confirming_writes_every_kind_with_history_and_reimporting_changes_nothing(
    personas, tmp_path
):
    path = tmp_path / "vorlage.xlsx"
    path.write_bytes(write_xlsx(template_sheets()))
    strategist = personas["strategist"]

    result = check(path, strategist, write=True)

    assert result["written"] is True
    measure = Measure.objects.get(code="M-1.1-01")
    assert measure.owner.code == "FB 32"
    assert measure.priority == Priority.HIGH and measure.status == Status.IN_PROGRESS
    assert Project.objects.get(code="P-2026-01").measures.get() == measure
    assert Standard.objects.get(code="STD-SW-01").obligation == "must"
    cell = Compliance.objects.get(unit__code="FB 32", standard__code="STD-SW-01")
    assert cell.state == ComplianceState.FULFILLED and cell.confirmed_by == strategist
    lead = User.objects.get(email="karin.ordnungsmann@stadt.example")
    assert OrgUnit.objects.get(code="FB 32").lead == lead
    record = measure.history.get()
    assert record.history_change_reason == "Import aus vorlage.xlsx"
    assert record.history_user == strategist

    again = check(path, strategist, write=True)

    assert again["counts"]["create"] == again["counts"]["update"] == 0, rows_of(again, "update")
    assert measure.history.count() == 1


def test_ods_and_csv_files_import_like_xlsx(goals, personas, tmp_path):
    from imports.workbooks import SheetSpec

    spec = SheetSpec(
        "Maßnahmen",
        MEASURE_HEADERS,
        [
            [
                "M-1",
                "Online-Termine",
                "1.2",
                "FB 32",
                1,
                "geplant",
                datetime.date(2026, 3, 1),
                Decimal("1250000.00"),
            ]
        ],
    )
    ods = tmp_path / "liste.ods"
    ods.write_bytes(write_ods([spec]))
    csv = tmp_path / "liste.csv"
    csv.write_bytes(
        ";".join(MEASURE_HEADERS).encode("cp1252")
        + b"\r\nM-2;Bescheide digital;Termine digital;Sicherheit und Ordnung;niedrig;"
        + b"abgeschlossen;1.3.2026;1.250.000,00 \x80\r\n"
    )
    for path in (ods, csv):
        result = check(path, personas["strategist"], write=True)
        assert errors_of(result) == [], path
    first, second = Measure.objects.order_by("code")
    assert first.goal == goals["1.2"] and first.priority == Priority.HIGH
    assert second.goal == goals["1.2"] and second.owner.code == "FB 32"
    assert second.status == Status.DONE and second.priority == Priority.LOW
    assert second.progress == 100  # "abgeschlossen" without a progress column
    assert first.budget_planned == second.budget_planned == Decimal("1250000.00")
    assert first.planned_start == second.planned_start == datetime.date(2026, 3, 1)


def test_unknown_words_are_errors_until_mapped_and_the_mapping_is_kept(goals, personas, tmp_path):
    path = xlsx(
        tmp_path / "fb61.xlsx",
        {
            "Maßnahmen": [
                MEASURE_HEADERS,
                ["M-1", "Parkraum digital", "1.1", "FB 61/303", "hoch", "laufend"],
            ]
        },
    )
    strategist = personas["strategist"]

    result = check(path, strategist)

    assert result["unknown"] == {"unit": ["FB 61/303"], "status": ["laufend"]}
    assert errors_of(result) == [
        "Zeile 2: Spalte „Federführung“: „FB 61/303“ ist als Fachbereich unbekannt – "
        "bitte unten zuordnen.",
        "Zeile 2: Spalte „Status“: „laufend“ ist als Status unbekannt – bitte unten zuordnen.",
    ]

    from imports.engine import save_mappings

    plan = propose_plan(path, path.name)
    plan["values"] = {"unit": {"FB 61/303": "FB 32"}, "status": {"laufend": "in_progress"}}
    save_mappings(plan, actor=strategist)
    assert ImportMapping.objects.get().kind == "measures"

    result = check(path, strategist, write=True)  # the saved words, nothing mapped again

    assert errors_of(result) == []
    measure = Measure.objects.get(code="M-1")
    assert measure.owner.code == "FB 32" and measure.status == Status.IN_PROGRESS


def test_an_updated_file_updates_by_code_and_reports_rows_it_no_longer_has(
    goals, personas, tmp_path
):
    strategist = personas["strategist"]
    first = xlsx(
        tmp_path / "v1.xlsx",
        {
            "Maßnahmen": [
                MEASURE_HEADERS,
                ["M-1", "Alt", "1.1", "FB 32"],
                ["M-2", "Zwei", "1.1", "FB 50"],
            ]
        },
    )
    check(first, strategist, write=True)
    second = xlsx(
        tmp_path / "v2.xlsx", {"Maßnahmen": [MEASURE_HEADERS, ["M-1", "Neu", "1.1", "FB 32"]]}
    )

    result = check(second, strategist, write=True)

    assert [row["changes"] for row in rows_of(result, "update")] == [["Titel: Alt → Neu"]]
    assert result["missing"] == [{"sheet": "Maßnahmen", "label": "M-2 Zwei"}]
    assert Measure.objects.count() == 2  # never deleted, never duplicated
    assert Measure.objects.get(code="M-1").title == "Neu"


def test_a_measure_without_code_gets_one_and_is_found_again_by_goal_and_title(
    goals, personas, tmp_path
):
    path = xlsx(
        tmp_path / "ohne.xlsx",
        {"Maßnahmen": [MEASURE_HEADERS, [None, "Ohne Kennung", "Alles online", "FB 32"]]},
    )

    check(path, personas["strategist"], write=True)
    again = check(path, personas["strategist"], write=True)

    assert Measure.objects.get().code == "M-1.1-01"
    assert again["counts"]["unchanged"] == 1


def test_bad_cells_name_row_column_and_value_and_nothing_is_written(goals, personas, tmp_path):
    path = xlsx(
        tmp_path / "fehler.xlsx",
        {
            "Maßnahmen": [
                MEASURE_HEADERS,
                ["M-1", "Gut", "1.1", "FB 32"],
                ["M-2", "Falsches Ziel", "9.9", "FB 32"],
                ["M-3", "Quartal", "1.1", "FB 32", None, None, "Q3/2025"],
                ["M-4", "Ende", "1.1", "FB 32", None, None, "Ende 2026", "abc"],
                ["M-1", "Doppelt", "1.1", "FB 32"],
                [None, None, "1.1", "FB 32"],
            ]
        },
    )

    result = check(path, personas["strategist"], write=True)

    assert result["written"] is False
    assert not Measure.objects.exists()
    errors = errors_of(result)
    assert "Zeile 3: Spalte „Ziel“: ein Ziel „9.9“ gibt es nicht." in errors
    assert any(e.startswith("Zeile 4: Spalte „Beginn“: „Q3/2025“ ist ein Quartal") for e in errors)
    assert any(e.startswith("Zeile 5: Spalte „Beginn“: „Ende 2026“") for e in errors)
    assert any(e.startswith("Zeile 5: Spalte „Budget“: „abc“ ist kein Betrag") for e in errors)
    assert "Zeile 6: „M-1“ steht in der Datei mehrfach (auch in Zeile 2)." in errors
    assert "Zeile 7: Spalte „Maßnahme“: leer (Pflichtangabe)." in errors


def test_valid_rows_only_writes_them_and_keeps_the_rejected_rows(goals, personas, tmp_path):
    path = xlsx(
        tmp_path / "teils.xlsx",
        {
            "Maßnahmen": [
                MEASURE_HEADERS,
                ["M-1", "Gut", "1.1", "FB 32"],
                ["M-2", "Schlecht", "7.1", "FB 32"],
            ]
        },
    )

    result = check(path, personas["strategist"], write=True, mode="valid_only")

    assert result["written"] is True
    assert list(Measure.objects.values_list("code", flat=True)) == ["M-1"]
    assert rows_of(result, "error")[0]["cells"][:3] == ["M-2", "Schlecht", "7.1"]


def test_header_below_a_title_footnotes_and_merged_cells_are_read_as_meant(personas, tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Strategie"
    sheet.append(["Digitalstrategie – Stand März 2026"])
    sheet.append([])
    sheet.append(["HF-Nr.", "Handlungsfeld", "Ziel-Nr.", "Ziel"])
    sheet.append([1, "Digitale Services", "1.1", "Alles online"])
    sheet.append([None, None, "1.2", "Termine digital"])
    sheet.append([])
    sheet.append(["* Ziele 1.3 ff. folgen mit der nächsten Fortschreibung"])
    sheet.merge_cells("A4:A5")
    sheet.merge_cells("B4:B5")
    path = tmp_path / "strategie.xlsx"
    workbook.save(path)

    result = check(path, personas["strategist"], write=True)

    assert errors_of(result) == []
    assert [row["row"] for row in result["rows"]] == [4, 5]
    assert any("Fußnote übergangen" in note for note in result["notes"])
    field = FieldOfAction.objects.get()
    assert list(Goal.objects.filter(field_of_action=field).values_list("position", "title")) == [
        (1, "Alles online"),
        (2, "Termine digital"),
    ]


def test_a_sheet_with_only_headers_says_so(personas, tmp_path):
    path = xlsx(tmp_path / "leer.xlsx", {"Maßnahmen": [MEASURE_HEADERS]})

    result = check(path, personas["strategist"])

    assert result["rows"] == []
    assert result["notes"] == ["Tabelle „Maßnahmen“ enthält keine Datenzeilen."]


def test_more_rows_than_a_file_may_have_is_refused_and_nothing_is_written(
    goals, personas, tmp_path
):
    path = tmp_path / "gross.csv"
    lines = ["Kennung;Titel;Ziel;Fachbereich"] + [f"M-{n};T;1.1;FB 32" for n in range(MAX_ROWS + 1)]
    path.write_text("\n".join(lines), encoding="utf-8")

    with pytest.raises(PlanError, match=r"mehr als 20\.000 Zeilen"):
        check(path, personas["strategist"], write=True)
    assert not Measure.objects.exists()


def test_people_get_their_role_and_unit_and_a_lead_becomes_the_units_lead(personas, tmp_path):
    path = xlsx(
        tmp_path / "personen.xlsx",
        {
            "Personen": [
                ["Name", "E-Mail", "Organisationseinheit", "Funktion"],
                ["Ordnungsmann, Karla", "karla@stadt.example", "FB 50", "Fachbereichsleitung"],
                ["Sven Stratege", "sven@stadt.example", None, "Strategieteam"],
            ]
        },
    )

    result = check(path, personas["strategist"], write=True)

    assert errors_of(result) == []
    karla = User.objects.get(email="karla@stadt.example")
    assert (karla.first_name, karla.last_name) == ("Karla", "Ordnungsmann")
    assert OrgUnit.objects.get(code="FB 50").lead == karla
    assert karla.has_perm("fb15.manage_unit_work", OrgUnit.objects.get(code="FB 50"))
    sven = User.objects.get(email="sven@stadt.example")
    assert list(sven.groups.values_list("name", flat=True)) == [Role.STRATEGY_TEAM]
    assert not sven.has_usable_password()


def test_the_compliance_matrix_in_its_wide_form_sets_each_cell(personas, tmp_path):
    from tests.factories import StandardFactory

    StandardFactory(code="STD-1", status="binding")
    StandardFactory(code="STD-2", status="binding")
    path = xlsx(
        tmp_path / "matrix.xlsx",
        {
            "Einhaltung": [
                ["Fachbereich", "STD-1", "STD-2", "STD-9"],
                ["FB 32", "erfüllt", "teilweise", None],
                ["FB 50", "Ausnahme", "nicht erfüllt", None],
            ]
        },
    )

    result = check(path, personas["strategist"], write=True, mode="valid_only")

    states = dict(
        Compliance.objects.filter(unit__code="FB 32").values_list("standard__code", "state")
    )
    assert states == {"STD-1": "fulfilled", "STD-2": "partial"}
    assert "Spalte „STD-9“: keinen Standard mit dieser Kennung – übergangen." in result["notes"]
    assert any("„Ausnahme“ wird nicht importiert" in e for e in errors_of(result))


def test_export_then_import_is_a_round_trip_without_changes(personas, tmp_path):
    template = tmp_path / "vorlage.xlsx"
    template.write_bytes(write_xlsx(template_sheets()))
    strategist = personas["strategist"]
    check(template, strategist, write=True)

    for write, suffix in ((write_xlsx, "xlsx"), (write_ods, "ods")):
        path = tmp_path / f"export.{suffix}"
        path.write_bytes(write(export_sheets(strategist)))
        result = check(path, strategist)
        changed = [row for row in result["rows"] if row["action"] != "unchanged"]
        assert changed == [], suffix


def test_no_sheet_of_a_known_kind_is_a_plan_error(personas, tmp_path):
    path = xlsx(tmp_path / "fremd.xlsx", {"Tabelle1": [["Spalte A", "Spalte B"], ["x", "y"]]})
    plan = propose_plan(path, path.name)

    with pytest.raises(PlanError, match="Keine Tabelle ist einer Importart zugeordnet"):
        run_import(path, path.name, plan, actor=personas["strategist"], write=False)


def test_every_kind_imports_from_its_own_csv_file_without_changes(personas, tmp_path):
    import csv

    strategist = personas["strategist"]
    template = tmp_path / "vorlage.xlsx"
    template.write_bytes(write_xlsx(template_sheets()))
    check(template, strategist, write=True)

    for spec in export_sheets(strategist):
        path = tmp_path / f"{spec.name}.csv"
        with open(path, "w", encoding="cp1252", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(spec.headers)
            writer.writerows([["" if v is None else v for v in row] for row in spec.rows])
        plan = propose_plan(path, path.name)
        result = run_import(path, path.name, plan, actor=strategist, write=False)
        assert plan["sheets"][0]["kind"], spec.name
        assert errors_of(result) == [], spec.name
        assert {row["action"] for row in result["rows"]} == {"unchanged"}, spec.name


def test_a_corrected_column_match_is_proposed_for_the_next_file_of_the_same_shape(
    goals, personas, tmp_path
):
    from imports.engine import save_mappings

    headers = ["Kennung", "Titel", "Ziel", "Verantwortliche OE"]
    first = xlsx(tmp_path / "q1.xlsx", {"Liste": [headers, ["M-1", "Eins", "1.1", "FB 32"]]})
    plan = propose_plan(first, first.name)
    assert plan["sheets"][0]["columns"][3] == ""  # "Verantwortliche OE" is no known header
    plan["sheets"][0]["kind"] = "measures"
    plan["sheets"][0]["columns"][3] = "owner"
    save_mappings(plan, actor=personas["strategist"])

    second = xlsx(tmp_path / "q2.xlsx", {"Tabelle1": [headers, ["M-2", "Zwei", "1.1", "FB 50"]]})
    proposed = propose_plan(second, second.name)["sheets"][0]

    assert (proposed["kind"], proposed["columns"], proposed["saved"]) == (
        "measures",
        ["code", "title", "goal", "owner"],
        True,
    )

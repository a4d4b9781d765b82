"""The released report is an accessible PDF (PDF/UA-1): the structure tree is walked with
pikepdf, not only its metadata read — language, headings, figures with alternative text,
tables with header cells, bookmarks."""

import collections
import io

import pikepdf
import pytest

from reporting import lifecycle, services

from .conftest import report_world
from .test_services import render

pytestmark = pytest.mark.django_db


def structure(pdf: pikepdf.Pdf) -> tuple[collections.Counter, list]:
    """How often each structure type occurs, and every element as (type, node, parent type)."""
    counts, elements = collections.Counter(), []

    def walk(node, parent=""):
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child, parent)
            return
        if not isinstance(node, pikepdf.Dictionary):
            return  # a marked-content id: the leaf
        kind = str(node.get("/S", ""))
        if kind:
            counts[kind] += 1
            elements.append((kind, node, parent))
        if "/K" in node:
            walk(node.K, kind or parent)

    walk(pdf.Root.StructTreeRoot.K)
    return counts, elements


@pytest.fixture
def released_pdf(personas):
    world = report_world(personas)
    report = services.request_report(actor=world["strategist"], enqueue=False)
    render(report)
    lifecycle.save_assessment(actor=world["strategist"], report=report, text="Im Plan.")
    lifecycle.release_report(actor=world["strategist"], report=report)
    return pikepdf.open(io.BytesIO(render(report)))


def test_the_report_is_tagged_in_german_and_says_pdf_ua(released_pdf):
    assert str(released_pdf.Root.Lang) == "de"
    assert bool(released_pdf.Root.MarkInfo.Marked) is True
    assert released_pdf.open_metadata().get("pdfuaid:part") == "1"


def test_headings_figures_and_tables_are_marked_for_a_screen_reader(released_pdf):
    counts, elements = structure(released_pdf)
    assert counts["/H1"] == 1  # the title
    assert counts["/H2"] >= 5  # contents, summary, fields, projects, changes, annex
    figures = [node for kind, node, _parent in elements if kind == "/Figure"]
    assert len(figures) == 4  # traffic lights per field, per unit and per quarter, budget
    assert all(str(figure.get("/Alt", "")).strip() for figure in figures)
    tables = [node for kind, node, _parent in elements if kind == "/Table"]
    assert tables and counts["/THead"] == len(tables)
    assert counts["/TH"] >= len(tables)  # every table has header cells …
    header_parents = {parent for kind, _node, parent in elements if kind == "/TH"}
    assert header_parents == {"/TR"}  # … in its rows


def test_bookmarks_lead_to_each_chapter(released_pdf):
    with released_pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
    assert titles[0] == "Zusammenfassung"
    assert "Änderungen seit dem letzten Bericht" in titles
    assert "Anhang: alle Maßnahmen" in titles

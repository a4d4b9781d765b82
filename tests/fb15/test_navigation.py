"""The navigation per role: sections of at most six top entries, sub-navigation on section pages."""

import html as html_lib
import re

import pytest
from django.urls import reverse

from fb15.navigation import MAX_TOP_ENTRIES

pytestmark = pytest.mark.django_db

TOP = re.compile(r'<nav class="fb15-nav" aria-label="Hauptnavigation".*?</nav>', re.DOTALL)
SUB = re.compile(r'<nav class="fb15-subnav" aria-label="Bereichsnavigation".*?</nav>', re.DOTALL)
LINK = re.compile(
    r'<a class="fb15-(?:sub)?nav__link" href="([^"]+)"( aria-current="(\w+)")?>([^<]+)</a>'
)


def links(html: str, pattern=TOP) -> list[tuple[str, str]]:
    block = pattern.search(html)
    if block is None:
        return []
    return [
        (html_lib.unescape(label.strip()), href)
        for href, _, _, label in LINK.findall(block.group(0))
    ]


def current(html: str, pattern=TOP) -> list[str]:
    block = pattern.search(html)
    return [
        html_lib.unescape(label.strip()) for _, has, _, label in LINK.findall(block.group(0)) if has
    ]


def page(client_for, user, url_name="home", **kwargs) -> str:
    response = client_for(user).get(reverse(url_name, kwargs=kwargs or None))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (
            "strategist",
            ["Start", "Strategie", "Standards", "Lagebild & Berichte", "Organisation"],
        ),
        (
            "lead32",
            [
                "Start",
                "Mein Fachbereich",
                "Strategie",
                "Standards",
                "Lagebild & Berichte",
                "Organisation",
            ],
        ),
        ("council", ["Start", "Strategie", "Standards", "Lagebild & Berichte", "Organisation"]),
        ("staff", ["Start", "Strategie", "Standards", "Lagebild & Berichte", "Organisation"]),
    ],
)
def test_each_role_sees_its_top_entries(personas, client_for, who, expected):
    top = [label for label, _ in links(page(client_for, personas[who]))]
    assert top == expected
    assert len(top) <= MAX_TOP_ENTRIES


def test_section_link_opens_its_first_entry(personas, client_for):
    top = dict(links(page(client_for, personas["strategist"])))
    assert top["Strategie"] == reverse("strategy_detail")
    assert top["Standards"] == reverse("standard_list")
    assert top["Lagebild & Berichte"] == reverse("report_dashboard")
    assert top["Organisation"] == reverse("orgunit_list")


def test_start_page_has_no_sub_navigation(personas, client_for):
    html = page(client_for, personas["strategist"])
    assert current(html) == ["Start"]
    assert not SUB.search(html)


@pytest.mark.parametrize(
    ("url_name", "section", "entries", "current_entry"),
    [
        (
            "compliance_matrix",
            "Standards",
            ["Standards", "Einhaltung", "Ausnahmen", "Technologieradar", "Verwaltungsleistungen"],
            "Einhaltung",
        ),
        (
            "measure_list",
            "Strategie",
            [
                "Digitale Strategie",
                "Maßnahmen",
                "Projekte",
                "Meldungen prüfen",
                "Bedarfsmeldungen",
                "Bedarfe bewerten",
                "Prioritätenrunden",
                "Synergien",
            ],
            "Maßnahmen",
        ),
        (
            "report_list",
            "Lagebild & Berichte",
            ["Lagebild", "Berichte", "Berichtspläne"],
            "Berichte",
        ),
        (
            "trash",
            "Organisation",
            [
                "Fachbereiche",
                "Import und Export",
                "Papierkorb",
                "Einstellungen der Stadt",
                "Öffentliches Portal",
            ],
            "Papierkorb",
        ),
    ],
)
def test_section_pages_show_the_sub_navigation_of_the_strategy_team(
    personas, client_for, url_name, section, entries, current_entry
):
    html = page(client_for, personas["strategist"], url_name)
    assert current(html) == [section]
    assert [label for label, _ in links(html, SUB)] == entries
    assert current(html, SUB) == [current_entry]


def test_detail_page_marks_its_section_by_url_prefix(personas, client_for):
    from tests.factories import StandardFactory

    standard = StandardFactory()
    html = page(client_for, personas["council"], "standard_detail", pk=standard.pk)
    assert current(html) == ["Standards"]
    assert current(html, SUB) == ["Standards"]


def test_council_sees_no_editing_sections(personas, client_for):
    council = personas["council"]
    home = page(client_for, council)
    labels = [label for label, _ in links(home)]
    assert "Mein Fachbereich" not in labels
    reporting = page(client_for, council, "report_list")
    assert [label for label, _ in links(reporting, SUB)] == ["Lagebild", "Berichte"]
    organisation = page(client_for, council, "orgunit_list")
    # Only the unit list: a section of one entry needs no sub-navigation, and no Papierkorb.
    assert not SUB.search(organisation)
    assert reverse("trash") not in organisation
    assert reverse("reportschedule_list") not in reporting


def test_lead_sees_no_papierkorb_and_no_report_schedules(personas, client_for):
    html = page(client_for, personas["lead32"], "orgunit_list")
    assert reverse("trash") not in html
    html = page(client_for, personas["lead32"], "report_list")
    assert reverse("reportschedule_list") not in html


def test_anonymous_login_page_has_no_navigation(client):
    html = client.get(reverse("login")).content.decode()
    assert not TOP.search(html)


CRUMBS = re.compile(r'<nav class="fb15-breadcrumbs" aria-label="Brotkrumen">(.*?)</nav>', re.DOTALL)
CRUMB_LINK = re.compile(r'<li><a class="kern-link" href="([^"]+)">([^<]+)</a></li>')
CRUMB_CURRENT = re.compile(r'<li><span aria-current="page">([^<]+)</span></li>')


def breadcrumbs(html: str) -> tuple[list[tuple[str, str]], str]:
    block = CRUMBS.search(html)
    assert block, "no breadcrumbs"
    inner = block.group(1)
    assert inner.strip().startswith("<ol")
    links_ = [(html_lib.unescape(label), href) for href, label in CRUMB_LINK.findall(inner)]
    return links_, html_lib.unescape(CRUMB_CURRENT.search(inner).group(1))


def test_unit_and_standard_detail_pages_have_breadcrumbs(personas, client_for):
    from tests.factories import StandardFactory

    unit = personas["unit32"]
    html = page(client_for, personas["council"], "orgunit_detail", pk=unit.pk)
    assert breadcrumbs(html) == (
        [("Start", "/"), ("Fachbereiche", reverse("orgunit_list"))],
        "FB 32",
    )
    standard = StandardFactory(code="SEC-05")
    html = page(client_for, personas["lead32"], "standard_detail", pk=standard.pk)
    assert breadcrumbs(html) == (
        [("Start", "/"), ("Standards", reverse("standard_list"))],
        "SEC-05",
    )


def _goal_with_measures(personas, codes, confidential=()):
    from tests.factories import GoalFactory, MeasureFactory

    goal = GoalFactory(title="Alles online")
    measures = {
        code: MeasureFactory(
            goal=goal,
            code=code,
            title=f"Maßnahme {code}",
            owner=personas["unit50"] if code in confidential else personas["unit32"],
            is_confidential=code in confidential,
        )
        for code in codes
    }
    return goal, measures


def test_measure_detail_has_breadcrumbs_through_its_goal(personas, client_for):
    goal, measures = _goal_with_measures(personas, ["M-1"])
    html = page(client_for, personas["strategist"], "measure_detail", pk=measures["M-1"].pk)
    trail, current_page = breadcrumbs(html)
    assert current_page == "M-1"
    assert trail[:2] == [("Start", "/"), ("Digitale Strategie", reverse("strategy_detail"))]
    label, href = trail[2]
    assert "Alles online" in label
    assert href == f"{reverse('strategy_detail')}#ziel-{goal.pk}"
    # The only measure of its goal: nothing to page through.
    assert 'rel="prev"' not in html and 'rel="next"' not in html


PREV = re.compile(r'<a class="kern-link" href="([^"]+)" rel="prev">')
NEXT = re.compile(r'<a class="kern-link" href="([^"]+)" rel="next">')


def test_previous_and_next_measure_of_the_same_goal(personas, client_for):
    _, measures = _goal_with_measures(personas, ["M-1", "M-2", "M-3"])
    html = page(client_for, personas["strategist"], "measure_detail", pk=measures["M-2"].pk)
    assert PREV.findall(html) == [reverse("measure_detail", args=[measures["M-1"].pk])]
    assert NEXT.findall(html) == [reverse("measure_detail", args=[measures["M-3"].pk])]
    assert "Maßnahme 2 von 3 des Ziels" in html
    first = page(client_for, personas["strategist"], "measure_detail", pk=measures["M-1"].pk)
    assert PREV.findall(first) == []
    assert NEXT.findall(first) == [reverse("measure_detail", args=[measures["M-2"].pk])]


def test_previous_and_next_skip_measures_the_reader_may_not_see(personas, client_for):
    _, measures = _goal_with_measures(personas, ["M-1", "M-2", "M-3"], confidential=["M-2"])
    hidden = reverse("measure_detail", args=[measures["M-2"].pk])
    html = page(client_for, personas["lead32"], "measure_detail", pk=measures["M-1"].pk)
    assert NEXT.findall(html) == [reverse("measure_detail", args=[measures["M-3"].pk])]
    assert hidden not in html
    assert "Maßnahme 1 von 2 des Ziels" in html
    # FB 15 sees all three.
    html = page(client_for, personas["strategist"], "measure_detail", pk=measures["M-1"].pk)
    assert NEXT.findall(html) == [hidden]


def test_previous_and_next_cost_the_same_queries_for_many_measures(
    personas, client_for, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import MeasureFactory

    _, measures = _goal_with_measures(personas, ["M-1", "M-2"])
    client = client_for(personas["strategist"])
    url = reverse("measure_detail", args=[measures["M-1"].pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(3, 13):
        MeasureFactory(goal=measures["M-1"].goal, code=f"M-{number}", owner=personas["unit32"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_council_sees_no_needs_entry_and_may_not_open_the_list(personas, client_for):
    """Needs are the units' and FB 15's: the council's strategy section has no
    "Bedarfsmeldungen" and the list answers 403; staff keep the entry."""
    council = personas["council"]
    strategy = page(client_for, council, "measure_list")
    labels = [label for label, _ in links(strategy, SUB)]
    assert "Bedarfsmeldungen" not in labels and "Prioritätenrunden" in labels
    assert f'href="{reverse("need_list")}"' not in strategy
    assert client_for(council).get(reverse("need_list")).status_code == 403
    staff = page(client_for, personas["staff"], "measure_list")
    assert "Bedarfsmeldungen" in [label for label, _ in links(staff, SUB)]
    lead = client_for(personas["lead32"])
    assert lead.get(reverse("need_list")).status_code == 200

"""The generic list (declared columns, filter form, page actions) and the shared page head of
detail pages: what each role sees, and that the cells show values as a reader expects."""

import datetime
import re

import pytest
from django.urls import reverse

from fb15.views.generic import Column
from measures.models import Status
from standards.models import ExemptionStatus
from tests.factories import ExemptionFactory, StandardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    from tests.factories import make_periods, make_world

    return make_world(personas, make_periods())


def buttons(page: str) -> list[str]:
    """The labels of the page head's buttons."""
    head = page[page.index('class="fb15-page-head"') :]
    head = head[: head.index("\n</div>")]
    return re.findall(
        r'class="kern-btn[^"]*" href="[^"]*">(?:<span[^>]*></span>)?'
        r'<span class="kern-label">([^<]+)</span>',
        head,
    )


def test_a_column_shows_choice_labels_dates_yes_no_and_a_dash_for_nothing(world):
    measure = world["own"]["measure"]
    measure.status = Status.IN_PROGRESS
    measure.planned_end = datetime.date(2027, 3, 31)
    measure.responsible = None
    assert Column("Status", "status").value(measure) == measure.get_status_display()
    assert Column("Ende", "planned_end").value(measure) == "31.03.2027"
    assert Column("Person", "responsible").value(measure) == "—"
    assert Column("Leitung", "responsible.last_name").value(measure) == "—"
    assert Column("FB", "owner.code").value(measure) == "FB 32"
    assert Column("vertraulich", "is_confidential").value(measure) == "nein"


def test_the_list_declares_its_columns_and_the_user_may_sort_by_them(world, client_for):
    client = client_for(world["strategist"])
    page = client.get(reverse("measure_list"), {"sort": "-title"}).content.decode()
    assert '<th class="kern-table__header" scope="col" aria-sort="descending">' in page
    titles = re.findall(r"<td class=\"kern-table__cell\">(Maßnahme FB \d+)<br>", page)
    assert titles == ["Maßnahme FB 50", "Maßnahme FB 32"]
    # An unknown sort key or filter value is ignored, never an error.
    page = client.get(reverse("measure_list"), {"sort": "password", "status": "x"})
    assert page.status_code == 200


def test_the_add_button_only_for_who_may_add(world, client_for):
    assert "Maßnahme anlegen" in buttons(
        client_for(world["strategist"]).get(reverse("measure_list")).content.decode()
    )
    lead_buttons = buttons(
        client_for(world["lead32"]).get(reverse("measure_list")).content.decode()
    )
    assert "Maßnahme anlegen" not in lead_buttons and "CSV-Export" in lead_buttons
    council = client_for(world["council"]).get(reverse("orgunit_list")).content.decode()
    assert not {"Fachbereich anlegen", "Dezernat anlegen"} & set(buttons(council))


def test_an_empty_list_offers_adding_in_its_empty_state_not_twice(personas, client_for):
    page = client_for(personas["strategist"]).get(reverse("standard_list")).content.decode()
    assert "Noch keine Standards erfasst." in page
    assert buttons(page) == ["Einhaltungsmatrix"]  # "Standard anlegen" is in the empty state
    assert page.count("Standard anlegen") == 1


def test_filters_narrow_the_rows_and_the_caption_counts_them(personas, client_for):
    ExemptionFactory(unit=personas["unit32"], status=ExemptionStatus.APPROVED)
    ExemptionFactory(unit=personas["unit50"], status=ExemptionStatus.REQUESTED)
    client = client_for(personas["strategist"])
    page = client.get(reverse("exemption_list")).content.decode()
    assert "Ausnahmen von Standards: 2" in page
    page = client.get(reverse("exemption_list"), {"status": "approved"}).content.decode()
    assert "Ausnahmen von Standards: 1" in page and "FB 32 · " in page and "FB 50 · " not in page
    page = client.get(reverse("exemption_list"), {"q": "nichts dergleichen"}).content.decode()
    assert "Keine Ausnahmen von Standards gefunden." in page


def test_a_hidden_filter_from_the_inbox_is_kept_while_filtering(personas, client_for):
    StandardFactory(code="STD-ALT", next_review=datetime.date(2020, 1, 1))
    StandardFactory(code="STD-NEU", next_review=datetime.date(2099, 1, 1))
    page = (
        client_for(personas["strategist"])
        .get(reverse("standard_list"), {"pruefung": "faellig"})
        .content.decode()
    )
    assert "STD-ALT" in page and "STD-NEU" not in page
    assert '<input type="hidden" name="pruefung" value="faellig"' in page


def test_the_detail_head_offers_only_what_the_user_may_do(world, client_for):
    measure = world["own"]["measure"]
    lead = buttons(client_for(world["lead32"]).get(measure.get_absolute_url()).content.decode())
    assert lead == ["Historie"]  # a lead reports status in the card, never edits structure
    strategist = buttons(
        client_for(world["strategist"]).get(measure.get_absolute_url()).content.decode()
    )
    assert strategist == ["Historie", "Bearbeiten"]  # measures have no delete page
    standard = StandardFactory()
    assert buttons(
        client_for(world["strategist"]).get(standard.get_absolute_url()).content.decode()
    ) == ["Historie", "Bearbeiten", "Löschen"]


def test_a_decided_exemption_can_no_longer_be_edited(personas, client_for):
    exemption = ExemptionFactory(unit=personas["unit32"], requested_by=personas["lead32"])
    client = client_for(personas["lead32"])
    assert "Antrag bearbeiten" in buttons(client.get(exemption.get_absolute_url()).content.decode())
    exemption.status = ExemptionStatus.REJECTED
    exemption.save()
    assert buttons(client.get(exemption.get_absolute_url()).content.decode()) == ["Historie"]

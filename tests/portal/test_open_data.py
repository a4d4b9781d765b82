"""Open data: the CSV and JSON hold what the portal shows; the DCAT-AP.de catalogue is valid
JSON-LD with what a harvester (GovData, the city's open-data portal) requires."""

import csv
import io
import json

import pytest
from django.urls import reverse
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF

from fb15.models import city_settings
from portal.opendata import LICENCE_URI
from tests.portal.conftest import CONTRIBUTOR_ID, switch_portal

pytestmark = pytest.mark.django_db

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")


def test_csv_has_one_row_per_public_measure_with_its_state(client, portal_world):
    switch_portal()
    response = client.get(reverse("portal_measures_csv"))
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [row["Kennung"] for row in rows] == [m.code for m in portal_world["measures"]]
    first = rows[0]
    assert first["Ziel"] == "Alles online"  # adopted, not the draft's title
    assert first["Handlungsfeld"] == "Digitale Services"
    assert first["Federführung"] == "FB 32 – Sicherheit und Ordnung"
    assert first["Beschreibung"] == "Anträge rund um die Uhr"
    assert first["Ampel"] == "gelb" and first["Status"] == "geplant"
    assert first["Fortschritt (%)"] == "7"
    assert "verantwortliche Person" not in first


def test_json_nests_fields_goals_and_measures(client, portal_world):
    switch_portal()
    data = json.loads(client.get(reverse("portal_measures_json")).content)
    assert data["lizenz"] == LICENCE_URI
    assert data["strategie"]["leitbild"] == "Adoptiertes Leitbild"
    assert data["strategie"]["fortschreibung"]["drucksache"] == "DS 0001/2026"
    [field] = data["handlungsfelder"]
    [goal] = field["ziele"]
    assert goal["titel"] == "Alles online"
    codes = [measure["kennung"] for measure in goal["massnahmen"]]
    assert codes == [m.code for m in portal_world["measures"]]
    assert "verantwortlich" not in goal["massnahmen"][0]


def test_dcat_catalogue_is_json_ld_with_the_fields_harvesters_require(client, portal_world):
    switch_portal()
    response = client.get(reverse("portal_catalog"))
    assert response["Content-Type"].startswith("application/ld+json")
    graph = Graph().parse(data=response.content.decode(), format="json-ld")
    [catalog] = graph.subjects(RDF.type, DCAT.Catalog)
    assert graph.value(catalog, DCTERMS.title)
    publisher = graph.value(catalog, DCTERMS.publisher)
    assert graph.value(publisher, FOAF.name) == Literal(city_settings().city_name)
    [dataset] = graph.objects(catalog, DCAT.dataset)
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    for required in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCTERMS.modified):
        assert graph.value(dataset, required) is not None, required
    assert graph.value(dataset, DCATDE.contributorID) == URIRef(CONTRIBUTOR_ID)
    assert graph.value(dataset, DCAT.theme) == URIRef(
        "http://publications.europa.eu/resource/authority/data-theme/GOVE"
    )
    distributions = list(graph.objects(dataset, DCAT.distribution))
    assert len(distributions) == 2
    media_types = set()
    for distribution in distributions:
        assert graph.value(distribution, DCTERMS.license) == URIRef(LICENCE_URI)
        assert graph.value(distribution, DCAT.accessURL) is not None
        assert graph.value(distribution, DCTERMS.format) is not None
        download = str(graph.value(distribution, DCAT.downloadURL))
        assert download.startswith("http://testserver/portal/offene-daten/")
        media_types.add(str(graph.value(distribution, DCAT.mediaType)))
        answer = client.get(download.removeprefix("http://testserver"))
        assert answer.status_code == 200, download
    assert media_types == {"text/csv", "application/json"}


def test_catalogue_names_the_city_as_publisher(client, portal_world):
    from fb15.models import CitySettings

    CitySettings.objects.update_or_create(pk=1, defaults={"city_name": "Stadt Musterhausen"})
    switch_portal()
    document = json.loads(client.get(reverse("portal_catalog")).content)
    dataset = document["dcat:dataset"][0]
    assert dataset["dct:publisher"]["foaf:name"] == "Stadt Musterhausen"
    assert dataset["dcatde:licenseAttributionByText"] == "Stadt Musterhausen"
    assert "Stadt Musterhausen" in document["dct:title"]


def test_portal_lagebild_counts_what_the_councils_lagebild_counts(client, portal_world):
    """The same measures as the app's Lagebild (reporting.dashboard): adopted goals, no
    confidential rows."""
    from django.utils import timezone

    from portal.models import portal_settings
    from portal.public import public_strategy
    from reporting.dashboard import gather_dashboard_data
    from reporting.periods import quarter_period

    switch_portal()
    dashboard = gather_dashboard_data(period=quarter_period(timezone.localdate()), lists=False)
    public = public_strategy(portal_settings())
    assert public.rollup.count == dashboard.measure_count == 3
    assert public.rollup.average_progress == dashboard.average_progress
    counts = {share.value: share.count for share in public.rollup.shares}
    assert counts == {value: count for value, _label, count in dashboard.light_totals if count}
    page = client.get(reverse("portal_lagebild")).content.decode()
    assert 'role="img"' in page and "<table" in page

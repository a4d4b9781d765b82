"""The PDF report names the city of the instance: logo and office on the title page,
the contact in the footer of every further page."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader

from fb15.models import city_settings
from reporting import services

from .test_services import pdf_text, render

pytestmark = pytest.mark.django_db


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 30), "#0b5ea8").save(buffer, format="PNG")
    return buffer.getvalue()


def test_title_page_and_footer_show_the_citys_settings(world, weasyprint_errors):
    city = city_settings()
    city.city_name = "Stadt Musterhausen"
    city.office_name = "Amt für Digitales"
    city.email = "digital@musterhausen.example"
    city.phone = "0123 456-0"
    city.address = "Markt 1, 12345 Musterhausen"
    city.logo.save("wappen.png", ContentFile(png()))
    reader = PdfReader(io.BytesIO(render(services.request_report(actor=None, enqueue=False))))
    title_page = reader.pages[0].extract_text()
    assert "Stadt Musterhausen" in title_page and "Amt für Digitales" in title_page
    assert "Markt 1, 12345 Musterhausen" in title_page
    assert len(reader.pages[0].images) == 1  # the logo
    second_page = reader.pages[1].extract_text()
    assert "digital@musterhausen.example · Tel. 0123 456-0" in second_page
    assert "Stadt Musterhausen" in second_page  # the running head
    assert reader.metadata.author == "Stadt Musterhausen – Amt für Digitales"


def test_without_contact_and_logo_the_title_page_names_the_defaults(world, weasyprint_errors):
    content = render(services.request_report(actor=None, enqueue=False))
    text = pdf_text(content)
    assert "Stadtverwaltung" in text and "FB 15 – Digitale Verwaltung und IT-Steuerung" in text
    assert "Kontakt" not in PdfReader(io.BytesIO(content)).pages[0].extract_text()

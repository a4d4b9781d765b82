"""Shared by the permission tests: eager Celery, a throwaway MEDIA_ROOT, PDF text, demo data."""

from __future__ import annotations

import io

import pytest
from django.db import transaction
from django.test import override_settings
from pypdf import PdfReader

# One line per crawled role, shown at the end of the run (print is not allowed).
CRAWL_SUMMARY: list[str] = []


def pytest_terminal_summary(terminalreporter):
    if CRAWL_SUMMARY:
        terminalreporter.write_sep("-", "leak crawl")
        for line in CRAWL_SUMMARY:
            terminalreporter.write_line(line)


def pdf_text(content: bytes) -> str:
    """All text of a PDF, with WeasyPrint's hyphenation (U+2010 at line ends) undone."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return text.replace("\u2010\n", "").replace("\u00ad", "")


@pytest.fixture(autouse=True)
def media(request, settings, tmp_path):
    """Report files go to a throwaway MEDIA_ROOT (the demo's own while demo data is loaded)."""
    if "demo_data" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("demo_data")
    else:
        settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in-process, also when REDIS_URL is set (as in tests/reporting)."""
    from fb15.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker, tmp_path_factory):
    """`seed_demo` once per module, rolled back afterwards (like TestCase.setUpTestData).

    Seeding takes about a minute, so the tests of a module share it: the data lives in an
    outer transaction; each test runs in a savepoint inside it (the `db` fixture), so
    nothing a test (or a GET that writes) does survives the test, and nothing survives the
    module.
    """
    from django.core.management import call_command

    media_root = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(DEBUG=True):
                call_command("seed_demo", stdout=io.StringIO())
            yield media_root
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)

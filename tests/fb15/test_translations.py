"""English is the second language: every German text in the catalogue has its translation."""

import shutil
import subprocess
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).resolve().parents[2] / "locale/en/LC_MESSAGES/django.po"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext is installed by make install")
def test_the_english_catalogue_has_no_untranslated_or_fuzzy_entries():
    statistics = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    assert "untranslated" not in statistics and "fuzzy" not in statistics, statistics

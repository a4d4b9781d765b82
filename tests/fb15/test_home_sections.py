"""The start page renders sections other apps register, without fb15 importing them."""

import pytest
from django.urls import reverse

from fb15 import home

pytestmark = pytest.mark.django_db


def test_registered_sections_appear_and_none_means_nothing_to_show(
    personas, client_for, monkeypatch
):
    monkeypatch.setattr(home, "_providers", [])

    def greeting(request):
        # Any template renders; pagination renders nothing without a page.
        return home.HomeSection(template="inc/pagination.html", title="Hallo Abschnitt")

    home.register_home_section(greeting)
    home.register_home_section(greeting)  # registering twice has no effect
    home.register_home_section(lambda request: None)
    assert len(home._providers) == 2

    content = client_for(personas["staff"]).get(reverse("home")).content.decode()
    assert content.count("Hallo Abschnitt") == 1
    assert 'aria-labelledby="home-section-1"' in content

"""Every form FB 15 staff can reach survives hostile values: never a 5xx.

The forms are not listed by hand: the test crawls the demo data as the strategy team from the
start page (each URL pattern a few times), parses every form on every page and submits it
again with one hidden, number, date or choice field replaced by a hostile value at a time.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from fb15.models import User

pytestmark = pytest.mark.django_db

HOSTILE = ("abc", "-1", "99999999999999999999", "2026-02-30", "")
FUZZED_TYPES = {"hidden", "number", "date", "datetime-local", "select"}
# Logging out or switching the language would end or change the session under test.
SKIPPED_URL_NAMES = {"logout", "set_language"}
PAGES_PER_URL_NAME = 1


class FormParser(HTMLParser):
    """Links and forms of a page: each form as (method, action, [(name, type, value)])."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or attrs.get("hx-post") or "",
                "fields": [],
            }
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                if kind == "checkbox":
                    return
                # A radio group: keep its first value as the default.
                if any(f[0] == attrs["name"] for f in self._form["fields"]):
                    return
            if kind not in ("submit", "button", "file"):
                self._form["fields"].append([attrs["name"], kind, attrs.get("value", "")])
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._form["fields"].append([self._select, "select", None])
        elif tag == "option" and self._select:
            field = next(f for f in self._form["fields"] if f[0] == self._select)
            if field[2] is None or "selected" in attrs:
                field[2] = attrs.get("value", "")
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._form["fields"].append([self._textarea, "textarea", ""])

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][-1][2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def url_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).url_name
    except Resolver404:
        return None


def crawl(client, start: str = "/"):
    """Pages reachable by links from `start`, a few per URL pattern; their forms."""
    seen_per_name: dict[str, int] = {}
    queue, visited, forms = [start], set(), []
    while queue:
        path = queue.pop(0)
        if path in visited:
            continue
        visited.add(path)
        name = url_name(path)
        if name is None or name in SKIPPED_URL_NAMES or path.startswith("/admin/"):
            continue
        if seen_per_name.get(name, 0) >= PAGES_PER_URL_NAME:
            continue
        seen_per_name[name] = seen_per_name.get(name, 0) + 1
        response = client.get(path)
        assert response.status_code < 500, f"GET {path} answered {response.status_code}"
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = FormParser()
        parser.feed(response.content.decode())
        for href in parser.links:
            target = urljoin(path, href)
            if urlsplit(target).netloc == "" and target.startswith("/"):
                queue.append(target.split("#")[0])
        for form in parser.forms:
            form["action"] = urljoin(path, form["action"] or path)
            forms.append((path, form))
    return forms, seen_per_name


@pytest.fixture
def demo_world(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False


def test_hostile_values_in_any_form_of_the_strategy_team_never_answer_5xx(client, demo_world):
    client.force_login(User.objects.get(username="strategie"))
    forms, pages = crawl(client)
    assert len(pages) >= 40, sorted(pages)  # the crawl reached most of the application
    fuzzed, failures, names = 0, [], set()
    for _page, form in forms:
        name = url_name(form["action"])
        if name is None or name in SKIPPED_URL_NAMES:
            continue
        base = {field: value or "" for field, _kind, value in form["fields"]}
        for field, kind, _value in form["fields"]:
            if kind not in FUZZED_TYPES or field == "csrfmiddlewaretoken":
                continue
            names.add(name)
            for hostile in HOSTILE:
                data = {**base, field: hostile}
                if form["method"] == "post":
                    response = client.post(form["action"], data)
                else:
                    response = client.get(form["action"], data)
                fuzzed += 1
                if response.status_code >= 500:
                    failures.append(f"{form['method']} {form['action']} {field}={hostile!r}")
    assert not failures, failures
    assert fuzzed > 100 and len(names) >= 15, (fuzzed, sorted(names))

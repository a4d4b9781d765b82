"""The leak crawl: nothing confidential or unpublished reaches a reader by any path.

On the demo data (`seed_demo`), as council ("Rat"), staff ("Mitarbeitende") and the lead
of a unit that owns no confidential row, the crawl starts at the start page and every
navigation entry and follows every same-host link breadth-first: pages, CSV exports, PDF
downloads, history and comparison pages, and htmx partials (`hx-get`, and the `hx-post`
forms' partial fetched as htmx would). Besides the links, it visits the pages of every
object next to a confidential one or below a draft goal, and the confidential objects
themselves (which must answer 404). No response body — HTML, CSV, or a PDF's text — may
contain a confidential measure's or project's code or title the reader may not read, nor
(for readers without the draft right) a draft goal's or field of action's title or the
draft Leitbild.
"""

from __future__ import annotations

import datetime
import html
import re
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from measures.models import Measure, Project
from standards.models import Trend
from strategy.models import FieldOfAction, Goal, Revision, Strategy, may_read_draft

from . import conftest
from .conftest import pdf_text

pytestmark = pytest.mark.django_db

# Pages per role, and per URL pattern (sorting and filter variants of one list add little).
MAX_PAGES = 400
MAX_PER_PATTERN = 8
MAX_LIST_PAGE = 2
SKIPPED_PREFIXES = ("/abmelden/", "/admin/", "/static/", "/media/", "/i18n/", "/healthz")
# Answers a reader may get while crawling; anything else (a 500) fails the crawl.
EXPECTED_STATUSES = {200, 302, 403, 404, 405}
ROLES = {"council": "rat", "staff": "mitarbeiter", "other_lead": "leitung32"}


class LinkParser(HTMLParser):
    """Collects a[href], [hx-get] and the htmx partials of [hx-post] forms."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.partials: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in ("hx-get", "hx-post"):
            if attrs.get(name):
                self.partials.append(attrs[name])


@dataclass
class Secret:
    text: str
    what: str
    url: str = ""  # the row's own page, if it has one


@dataclass
class Crawl:
    role: str
    client: Client
    forbidden: list[Secret]
    queue: deque = field(default_factory=deque)
    seen: set = field(default_factory=set)
    per_pattern: Counter = field(default_factory=Counter)
    leaks: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    timings: Counter = field(default_factory=Counter)
    answers: dict = field(default_factory=dict)

    def add(self, url: str, *, htmx: bool = False, base: str = "/", force: bool = False):
        """Queue a same-host URL once (`force`: not counted against the pattern limit)."""
        parts = urlsplit(urljoin(base, html.unescape(url)))
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
            return
        path = parts.path
        if not path or path.startswith(SKIPPED_PREFIXES):
            return
        query = parse_qsl(parts.query, keep_blank_values=True)
        page = dict(query).get("page", "1")
        if not page.isdigit() or int(page) > MAX_LIST_PAGE:
            return
        key = (path, urlencode(sorted(query)), htmx)
        if key in self.seen:
            return
        try:
            pattern = resolve(path).url_name
        except Resolver404:
            return
        if not force:
            if self.per_pattern[pattern] >= MAX_PER_PATTERN:
                return
            self.per_pattern[pattern] += 1
        self.seen.add(key)
        self.queue.append((f"{path}?{parts.query}" if parts.query else path, htmx))

    def run(self, limit: int = MAX_PAGES) -> int:
        fetched = 0
        while self.queue and fetched < limit:
            url, htmx = self.queue.popleft()
            headers = {"HX-Request": "true"} if htmx else {}
            started = time.monotonic()
            response = self.client.get(url, headers=headers)
            self.timings[resolve(urlsplit(url).path).url_name] += time.monotonic() - started
            fetched += 1
            self.answers[url] = response.status_code
            self.statuses[response.status_code] += 1
            if response.status_code not in EXPECTED_STATUSES:
                self.errors.append((url, response.status_code))
            content_type = response.get("Content-Type", "")
            body = b"".join(response) if response.streaming else response.content
            if content_type.startswith("application/pdf"):
                self.kinds["pdf"] += 1
                text = pdf_text(body)
            elif content_type.startswith("text/csv"):
                self.kinds["csv"] += 1
                text = body.decode("utf-8-sig")
            else:
                self.kinds["htmx" if htmx else "html"] += 1
                text = html.unescape(body.decode())
            self.check(url, text)
            if response.status_code in (301, 302):
                self.add(response["Location"], base=url)
            if content_type.startswith("text/html") and response.status_code == 200:
                parser = LinkParser()
                parser.feed(body.decode())
                for link in parser.links:
                    self.add(link, base=url)
                for partial in parser.partials:
                    self.add(partial, base=url, htmx=True, force=True)
        return fetched

    def check(self, url: str, text: str) -> None:
        # Line breaks and hyphenation in PDFs, repeated blanks in HTML: compare on words.
        flat = re.sub(r"\s+", " ", text)
        for secret in self.forbidden:
            if secret.text in flat:
                self.leaks.append((url, secret.what, secret.text))


def forbidden_for(user) -> list[Secret]:
    """What `user` may not read, decided from the data (not by restrict()).

    Confidential measures and projects, except those of units the user leads or deputises
    for and projects the user leads; for readers without the draft right, the titles of
    goals and fields of action that differ from the latest published revision, and the
    draft Leitbild.
    """
    own_units = {
        *user.led_units.values_list("pk", flat=True),
        *user.deputy_units.values_list("pk", flat=True),
    }
    secrets = []
    for model in (Measure, Project):
        for row in model._base_manager.filter(is_confidential=True):
            if row.owner_id in own_units or getattr(row, "lead_id", None) == user.pk:
                continue
            label = f"{model._meta.verbose_name} {row.code}"
            secrets += [Secret(row.code, label, row.get_absolute_url()), Secret(row.title, label)]
    if may_read_draft(user):
        return secrets
    latest = Revision.objects.order_by("-published_at").first()
    assert latest is not None, "the demo has published revisions"
    for model in (Goal, FieldOfAction):
        adopted = {row.pk: row.title for row in model.history.as_of(latest.published_at)}
        for row in model._base_manager.all():
            if adopted.get(row.pk) != row.title:
                secrets.append(Secret(row.title, f"{model._meta.verbose_name} im Entwurf"))
    strategy = Strategy.objects.get()
    adopted_vision = Strategy.history.as_of(latest.published_at).get(pk=strategy.pk).vision
    if strategy.vision != adopted_vision:
        added = strategy.vision.replace(adopted_vision, "").strip() or strategy.vision
        secrets.append(Secret(re.sub(r"\s+", " ", added), "Leitbild im Entwurf"))
    return secrets


def seed_urls(crawl: Crawl) -> None:
    """Start page, navigation, and the pages next to what must stay hidden."""
    crawl.add(reverse("home"), force=True)
    from fb15.navigation import navigation_entries

    for entry in navigation_entries():
        crawl.add(reverse(entry.url_name), force=True)
    secret_measures = list(Measure._base_manager.filter(is_confidential=True))
    neighbours = set(secret_measures)
    for measure in secret_measures:
        neighbours |= set(measure.dependents.all()) | set(measure.dependencies.all())
    for measure in neighbours:
        for name in ("measure_detail", "measure_history", "measure_status"):
            crawl.add(reverse(name, args=[measure.pk]), force=True)
    projects = Project._base_manager.filter(measures__in=secret_measures) | (
        Project._base_manager.filter(is_confidential=True)
    )
    for project in projects.distinct():
        for name in ("project_detail", "project_history", "project_status"):
            crawl.add(reverse(name, args=[project.pk]), force=True)
    # Units owning confidential rows list their work; trends list the measures they touch.
    for unit_id in {m.owner_id for m in secret_measures}:
        for name in ("orgunit_detail", "orgunit_history"):
            crawl.add(reverse(name, args=[unit_id]), force=True)
    for trend in Trend.objects.filter(measures__in=secret_measures).distinct():
        for name in ("trend_detail", "trend_history"):
            crawl.add(reverse(name, args=[trend.pk]), force=True)
    latest = Revision.objects.order_by("-published_at").first()
    draft_goals = Goal.objects.exclude(pk__in=Goal.history.as_of(latest.published_at).values("id"))
    for measure in Measure._base_manager.filter(goal__in=draft_goals):
        for name in ("measure_detail", "measure_history"):
            crawl.add(reverse(name, args=[measure.pk]), force=True)
    for goal in Goal.objects.all():
        crawl.add(reverse("goal_history", args=[goal.pk]), force=True)
    # The strategy as of each revision and of days between them, and every comparison.
    as_of, compare = reverse("strategy_as_of"), reverse("strategy_compare")
    revisions = list(Revision.objects.order_by("number"))
    for revision in revisions:
        crawl.add(f"{as_of}?revision={revision.number}", force=True)
        day = timezone.localtime(revision.published_at).date() + datetime.timedelta(days=1)
        crawl.add(f"{as_of}?datum={day.isoformat()}", force=True)
        for other in revisions:
            if other.number > revision.number:
                crawl.add(f"{compare}?von={revision.number}&bis={other.number}", force=True)
        crawl.add(f"{compare}?von={revision.number}&bis=entwurf", force=True)
    crawl.add(f"{as_of}?datum={timezone.localdate().isoformat()}", force=True)
    # htmx partials of the lists, as a swap would fetch them.
    for name in ("report_list", "measure_list", "project_list"):
        crawl.add(reverse(name), htmx=True, force=True)


@pytest.mark.parametrize("role", list(ROLES))
def test_no_confidential_or_draft_title_reaches_a_reader_by_any_link(
    demo_data, role, record_property
):
    user = get_user_model().objects.get(username=ROLES[role])
    forbidden = forbidden_for(user)
    # The demo has confidential measures of FB 15 and FB 37, none of FB 32.
    assert sum(s.what.startswith("Maßnahme") for s in forbidden) >= 6
    if role == "council":
        assert any("Entwurf" in s.what for s in forbidden)
    client = Client()
    client.force_login(user)
    crawl = Crawl(role, client, forbidden)
    seed_urls(crawl)
    started = time.monotonic()
    pages = crawl.run()
    seconds = time.monotonic() - started
    slow = ", ".join(f"{name} {t:.1f} s" for name, t in crawl.timings.most_common(5))
    summary = (
        f"{role} ({user.username}): {pages} pages in {seconds:.0f} s, "
        f"{dict(crawl.kinds)}, statuses {dict(sorted(crawl.statuses.items()))}, "
        f"{len(crawl.queue)} links left over the limit; slowest: {slow}"
    )
    record_property("pages_crawled", pages)
    conftest.CRAWL_SUMMARY.append(summary)
    assert crawl.kinds["csv"] >= 3 and crawl.kinds["pdf"] >= 1, summary
    assert pages >= 150, summary
    assert not crawl.errors, f"{summary}; unexpected answers: {crawl.errors[:10]}"
    # The confidential rows themselves are not found at all (404, not 403).
    hidden = {secret.url for secret in forbidden if secret.url}
    not_404 = sorted(url for url in hidden if crawl.answers.get(url) != 404)
    assert hidden and not not_404, f"{summary}; confidential pages answered: {not_404}"
    distinct = sorted({(resolve(urlsplit(u).path).url_name, w, t) for u, w, t in crawl.leaks})
    assert not crawl.leaks, f"{summary}; leaks: {distinct}"

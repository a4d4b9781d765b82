"""A small OParl 1.1 client: read papers (Drucksachen) of the council information system.

OParl (https://oparl.org, spec 1.1) is the JSON interface German council information
systems (ALLRIS, SD.NET, Session …) offer: a System lists its Bodies, each Body its paper
list (paginated: `data` plus `links.next`), each Paper its consultations with the meeting
and the bodies (organizations) that discussed it; the result is on the meeting's agenda item.

Every request has a timeout, follows at most a few redirects and must answer JSON; anything
else raises `OparlError` with a German sentence for the page. Conditional requests
(ETag / Last-Modified) let the refresh job skip unchanged papers (`NOT_MODIFIED`).
"""

from __future__ import annotations

import datetime
import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _

PAPER_TYPE = "/Paper"
MAX_REDIRECTS = 5
MAX_BYTES = 5 * 1024 * 1024
# Paper lists of a big council system are long; a search by reference reads at most this
# many pages per body (the newest come first in the systems we know).
MAX_LIST_PAGES = 50
# A search by reference runs while FB 15 waits for the page: it gives up after this long.
SEARCH_SECONDS = 30
USER_AGENT = "fb15 (OParl-Client)"


class OparlError(Exception):
    """The endpoint did not answer usable OParl; the message is German."""


@dataclass(frozen=True)
class Response:
    data: dict | None  # None: not modified since the given ETag / date
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.data is None


def _session() -> requests.Session:
    session = requests.Session()
    session.max_redirects = MAX_REDIRECTS
    session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})
    return session


def get(
    url: str, *, etag: str = "", last_modified: str = "", session: requests.Session | None = None
) -> Response:
    """GET one OParl object or list page; OparlError for anything but JSON (or a 304)."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise OparlError(_("„%(url)s“ ist keine http(s)-Adresse.") % {"url": url})
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    session = session or _session()
    try:
        response = session.get(url, headers=headers, timeout=settings.OPARL_TIMEOUT, stream=True)
        with response:
            body = response.raw.read(MAX_BYTES + 1, decode_content=True)
    except requests.TooManyRedirects as error:
        raise OparlError(
            _("Das Ratsinformationssystem leitet endlos weiter (mehr als %(max)s Umleitungen).")
            % {"max": MAX_REDIRECTS}
        ) from error
    except (requests.Timeout, TimeoutError) as error:
        raise OparlError(
            _(
                "Das Ratsinformationssystem hat nicht innerhalb von %(seconds)s Sekunden "
                "geantwortet."
            )
            % {"seconds": settings.OPARL_TIMEOUT}
        ) from error
    except (requests.RequestException, OSError) as error:
        raise OparlError(_("Das Ratsinformationssystem ist nicht erreichbar.")) from error
    if response.status_code == 304:
        return Response(None, etag, last_modified)
    if response.status_code == 404:
        raise OparlError(
            _("Das Ratsinformationssystem kennt die Adresse „%(url)s“ nicht.") % {"url": url}
        )
    if response.status_code >= 400:
        raise OparlError(
            _("Das Ratsinformationssystem antwortet mit dem Fehler %(status)s.")
            % {"status": response.status_code}
        )
    if len(body) > MAX_BYTES:
        raise OparlError(_("Die Antwort des Ratsinformationssystems ist zu groß."))
    content_type = response.headers.get("Content-Type", "")
    if "html" in content_type or body.lstrip()[:1] == b"<":
        raise OparlError(
            _("Das Ratsinformationssystem antwortet mit einer Webseite statt mit OParl-Daten.")
        )
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except ValueError as error:
        raise OparlError(_("Das Ratsinformationssystem antwortet mit ungültigem JSON.")) from error
    if not isinstance(data, dict):
        raise OparlError(_("Das Ratsinformationssystem antwortet nicht mit einem OParl-Objekt."))
    return Response(
        data,
        response.headers.get("ETag", ""),
        response.headers.get("Last-Modified", ""),
    )


def _is_paper(data: dict) -> bool:
    return isinstance(data.get("type"), str) and data["type"].endswith(PAPER_TYPE)


def _list_items(url: str, session, deadline: float) -> list[dict]:
    """All items of an OParl list, page by page (`links.next`), until `deadline`."""
    items: list[dict] = []
    seen = set()
    for _page in range(MAX_LIST_PAGES):
        if url in seen:
            break
        if time.monotonic() > deadline:
            raise OparlError(
                _(
                    "Die Suche nach dem Aktenzeichen im Ratsinformationssystem dauert zu lange "
                    "– bitte die OParl-Adresse der Drucksache angeben."
                )
            )
        seen.add(url)
        page = get(url, session=session).data
        items += [item for item in page.get("data", []) if isinstance(item, dict)]
        url = (page.get("links") or {}).get("next")
        if not url:
            break
    return items


def normalise_reference(reference: str) -> str:
    return " ".join(reference.split()).casefold()


def find_paper(system_url: str, text: str) -> tuple[str, Response | None]:
    """The URL of the paper `text` names — its OParl URL, or its reference ("Dez.
    I/0006/WP18") looked up in the paper lists of the system's bodies — and, for a URL, the
    paper as just read."""
    session = _session()
    text = text.strip()
    if urlsplit(text).scheme in ("http", "https"):
        response = get(text, session=session)
        if not _is_paper(response.data):
            raise OparlError(_("Unter dieser Adresse steht keine Drucksache (OParl-Paper)."))
        return response.data.get("id") or text, response
    if not system_url:
        raise OparlError(
            _(
                "Es ist kein Ratsinformationssystem eingestellt "
                "(Organisation → Einstellungen der Stadt)."
            )
        )
    system = get(system_url, session=session).data
    bodies_url = system.get("body")
    if not isinstance(bodies_url, str):
        raise OparlError(_("Das OParl-System nennt keine Körperschaften (body)."))
    wanted = normalise_reference(text)
    deadline = time.monotonic() + SEARCH_SECONDS
    for body in _list_items(bodies_url, session, deadline):
        papers_url = body.get("paper")
        if not isinstance(papers_url, str):
            continue
        for paper in _list_items(papers_url, session, deadline):
            if normalise_reference(str(paper.get("reference", ""))) == wanted:
                return paper.get("id"), None
    raise OparlError(
        _("Im Ratsinformationssystem gibt es keine Drucksache „%(reference)s“.")
        % {"reference": text}
    )


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _object(value, session, cache: dict) -> dict:
    """An embedded object as is; a URL fetched once (errors of linked objects are not fatal:
    the paper is shown without that detail)."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, str):
        return {}
    if value not in cache:
        try:
            cache[value] = get(value, session=session).data or {}
        except OparlError:
            cache[value] = {}
    return cache[value]


def paper_fields(data: dict) -> dict:
    """What fb15 keeps of a paper, with its consultations (bodies, meetings, results)."""
    if not _is_paper(data):
        raise OparlError(_("Unter dieser Adresse steht keine Drucksache (OParl-Paper)."))
    if data.get("deleted") is True:
        raise OparlError(_("Die Drucksache wurde im Ratsinformationssystem gelöscht."))
    session = _session()
    cache: dict[str, dict] = {}
    consultations = []
    for consultation in data.get("consultation") or []:
        if not isinstance(consultation, dict):
            consultation = _object(consultation, session, cache)
        meeting = _object(consultation.get("meeting"), session, cache)
        organizations = [
            _object(value, session, cache) for value in consultation.get("organization") or []
        ]
        result = ""
        for item in meeting.get("agendaItem") or []:
            if (
                isinstance(item, dict)
                and consultation.get("id")
                and (
                    item.get("consultation") == consultation.get("id")
                    or item.get("id") == consultation.get("agendaItem")
                )
            ):
                result = str(item.get("result") or "")
        consultations.append(
            {
                "role": str(consultation.get("role") or ""),
                "authoritative": bool(consultation.get("authoritative")),
                "bodies": [
                    str(o.get("name") or o.get("shortName") or "") for o in organizations if o
                ],
                "meeting": str(meeting.get("name") or ""),
                "meeting_start": str(meeting.get("start") or ""),
                "meeting_url": str(meeting.get("web") or ""),
                "result": result,
            }
        )
    return {
        "reference": str(data.get("reference") or "")[:100],
        "name": str(data.get("name") or "")[:500],
        "date": _date(data.get("date")),
        "paper_type": str(data.get("paperType") or "")[:200],
        "web_url": str(data.get("web") or "")[:500],
        "details": {"consultations": consultations},
    }

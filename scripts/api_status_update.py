#!/usr/bin/env python3
"""File a status update through the fb15 JSON API with a personal access token.

Usage (Python 3 standard library only, e.g. from a unit's own project tool):

    FB15_TOKEN=fb15_… python3 scripts/api_status_update.py http://127.0.0.1:8000 M-1.1-01 \
        green 40 "Pilot in zwei Bürgerbüros läuft."

Looks the measure up by its code, files the update for the current reporting period and
prints the answer; an error prints the API's German `detail` and exits with 1.
"""

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


def call(base: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        base.rstrip("/") + "/api/v1" + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Authorization": f"Bearer {os.environ['FB15_TOKEN']}",
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        sys.exit(f"{error.code}: {error.read().decode()}")


def main(base: str, code: str, traffic_light: str, progress: str, summary: str) -> None:
    found = call(base, "/measures/?" + urllib.parse.urlencode({"q": code}))["results"]
    measure = next((m for m in found if m["code"] == code), None)
    if measure is None:
        sys.exit(f"Maßnahme {code} nicht gefunden (oder nicht lesbar).")
    update = call(
        base,
        "/status-updates/",
        {
            "measure": measure["id"],
            "traffic_light": traffic_light,
            "progress": int(progress),
            "status": "in_progress",
            "summary": summary,
        },
    )
    sys.stdout.write(json.dumps(update, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    main(*sys.argv[1:])

#!/usr/bin/env python3
"""Production smoke test: the app as docker-compose.yml runs it, checked over real HTTP.

1. collectstatic with DEBUG=0 and production variables (manifest storage, WhiteNoise),
2. migrate a throw-away database (a temporary PostgreSQL database next to DATABASE_URL's,
   or a temporary SQLite file when DATABASE_URL is unset, as during `docker build`),
3. render one PDF status report from the collected static files (fonts must be embedded),
4. start gunicorn with the command of docker-compose.yml's web service and check that the
   login page, its stylesheets and fonts, /healthz, a logged-in page and the API (its
   documentation page with its files, a JSON list) answer 200.

Run by `make test` (so by CI) and by the Dockerfile (with --static-root of the image), so a
build that cannot serve pages fails before anything else. Exit status 1 names what failed.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "fb15.stadt.example"
USERNAME, PASSWORD = "smoke", secrets.token_urlsafe(16)


class SmokeError(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeError(message)


def step(message: str) -> None:
    sys.stdout.write(f"production smoke: {message}\n")
    sys.stdout.flush()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_command(port: int) -> list[str]:
    """docker-compose.yml's web command, bound to a local port instead of 0.0.0.0:8000."""
    compose = (BASE_DIR / "docker-compose.yml").read_text()
    found = re.search(r"exec (gunicorn [^\n]+)", compose)
    check(found is not None, "docker-compose.yml has no `exec gunicorn …` web command")
    args = shlex.split(found.group(1))
    args[args.index("--bind") + 1] = f"127.0.0.1:{port}"
    return [sys.executable, "-m", *args]


class TemporaryDatabase:
    """A database of its own: PostgreSQL next to DATABASE_URL's, else a SQLite file."""

    def __init__(self, workdir: Path):
        self.source = os.environ.get("DATABASE_URL", "")
        self.name = f"fb15_smoke_{os.getpid()}"
        self.is_postgres = self.source.startswith(("postgres://", "postgresql://"))
        if self.is_postgres:
            parts = urlsplit(self.source)
            self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
        else:
            self.url = f"sqlite:///{workdir / 'smoke.sqlite3'}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.source, autocommit=True) as conn:
            conn.execute(sql)

    def __enter__(self) -> str:
        if self.is_postgres:
            self._admin(f'CREATE DATABASE "{self.name}"')
        return self.url

    def __exit__(self, *exc) -> None:
        if self.is_postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    check(
        result.returncode == 0,
        f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}",
    )
    return result.stdout + result.stderr


def pdf_text_fragments(pdf: bytes) -> bytes:
    """The PDF's bytes plus its inflated streams (font names may sit in object streams)."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def render_pdf(env: dict) -> None:
    output = manage(env, "generate_report", "--scope", "strategy")
    path = Path(output.strip().splitlines()[-1])
    pdf = path.read_bytes()
    check(pdf.startswith(b"%PDF-"), f"{path} is not a PDF")
    content = pdf_text_fragments(pdf)
    for font in (b"+Fira-Sans/", b"+Fira-Sans-Semi-Bold/"):
        check(font in content, f"the PDF does not embed {font[1:-1].decode()} (fetch failed)")
    step(f"PDF rendered from the collected files ({len(pdf) // 1024} KiB, Fira Sans embedded)")


class Browser:
    """Just enough of a browser over http.client: cookies, the proxy's HTTPS header."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": HOST, "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{HOST}"
            headers["Referer"] = f"https://{HOST}{path}"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        content = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _sep, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        conn.close()
        return response, content

    def get_ok(self, path: str) -> tuple[http.client.HTTPResponse, bytes]:
        response, content = self.request("GET", path)
        check(response.status == 200, f"GET {path} answered {response.status}")
        return response, content


def check_http(port: int) -> None:
    browser = Browser(port)
    _response, health = browser.get_ok("/healthz")
    step(f"/healthz 200 {health.decode()}")

    _response, login = browser.get_ok("/anmelden/")
    page = login.decode()
    check("Anmelden" in page, "the login page does not say „Anmelden“")
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    check(len(stylesheets) >= 3, f"the login page links only {stylesheets}")
    fonts = 0
    for href in stylesheets:
        check(re.search(r"\.[0-9a-f]{12}\.css$", href) is not None, f"{href} is not hashed")
        response, css = browser.get_ok(href)
        check("text/css" in response.getheader("Content-Type", ""), f"{href} is not CSS")
        for url in re.findall(rb"url\(\s*['\"]?([^'\")]+\.woff2)", css):
            font = urljoin(href, url.decode())
            response, _body = browser.get_ok(font)
            check("font/woff2" in response.getheader("Content-Type", ""), f"{font} not woff2")
            fonts += 1
    check(fonts >= 1, "no font is referenced by the login page's stylesheets")
    step(f"login page, {len(stylesheets)} stylesheets and {fonts} fonts answer 200")

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    check(token is not None, "the login form has no CSRF token")
    response, _body = browser.request(
        "POST",
        "/anmelden/",
        {"csrfmiddlewaretoken": token.group(1), "username": USERNAME, "password": PASSWORD},
    )
    check(response.status == 302, f"login answered {response.status}, not a redirect")
    _response, home = browser.get_ok("/")
    check(f"<strong>{USERNAME}</strong>" in home.decode(), "the start page is not logged in")
    _response, _list = browser.get_ok("/massnahmen/")
    step("logged in: start page and the list of measures answer 200")

    _response, docs = browser.get_ok("/api/v1/docs/")
    assets = re.findall(r'(?:src|href)="(/[^"]+)"', docs.decode())
    check(len(assets) >= 4, f"the API documentation links only {assets}")
    for asset in assets:
        browser.get_ok(asset)
    _response, measures = browser.get_ok("/api/v1/measures/")
    check(b'"results"' in measures, "the API's list of measures is no JSON page")
    step(f"API: documentation and its {len(assets)} files, the measures' JSON answer 200")


def wait_until_serving(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        check(server.poll() is None, f"gunicorn exited with status {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise SmokeError(f"gunicorn did not listen on port {port} within {seconds:.0f} s")


def run(static_root: Path, workdir: Path) -> None:
    started = time.monotonic()
    with TemporaryDatabase(workdir) as database_url:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "fb15.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": database_url,
            "STATIC_ROOT": str(static_root),
            "MEDIA_ROOT": str(workdir / "media"),
            "LOG_LEVEL": "WARNING",
        }
        manage(env, "collectstatic", "--noinput", "-v", "0")
        check((static_root / "staticfiles.json").is_file(), "collectstatic wrote no manifest")
        step(f"collectstatic with DEBUG=0 into {static_root}")
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(
            env,
            "shell",
            "-c",
            "from django.contrib.auth.models import Group; from fb15.models import User, Role; "
            f"u = User.objects.create_user({USERNAME!r}, password={PASSWORD!r}); "
            "u.groups.add(Group.objects.get(name=Role.STRATEGY_TEAM)); "
            "from strategy.models import Strategy; "
            "Strategy.objects.create(title='Digitale Strategie (Rauchtest)')",
        )
        step("migrated a temporary database")
        render_pdf(env)

        port = free_port()
        server = subprocess.Popen(
            gunicorn_command(port), env=env, cwd=BASE_DIR, stderr=subprocess.PIPE, text=True
        )
        try:
            wait_until_serving(port, server)
            check_http(port)
        except SmokeError:
            server.terminate()
            _out, errors = server.communicate(timeout=30)
            sys.stderr.write(errors[-5000:])
            raise
        server.terminate()
        server.communicate(timeout=30)
    step(f"passed in {time.monotonic() - started:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--static-root",
        type=Path,
        help="collect into this directory and keep it (the image's STATIC_ROOT); "
        "default: a temporary directory",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fb15-smoke-") as tmp:
        workdir = Path(tmp)
        try:
            run(args.static_root or workdir / "static", workdir)
        except SmokeError as error:
            sys.stderr.write(f"production smoke FAILED: {error}\n")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

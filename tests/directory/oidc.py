"""A real OpenID provider for tests: panva's oidc-provider (npm) run by node as a second server.

The npm package is installed with `npm ci` from the committed package-lock.json into a cache
directory keyed by the lock file (CI runs on a clean clone, so the first run installs it)."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

SOURCE = Path(__file__).parent / "oidc_provider"
NODE = shutil.which("node")
NPM = shutil.which("npm")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def installed_provider() -> Path:
    """A directory with provider.js and its node_modules, installed once per lock file."""
    lock = (SOURCE / "package-lock.json").read_bytes()
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    target = cache / "fb15-oidc-provider" / hashlib.sha256(lock).hexdigest()[:16]
    target.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json", "provider.js"):
        shutil.copyfile(SOURCE / name, target / name)
    if not (target / "node_modules" / "oidc-provider").is_dir():
        subprocess.run(
            [NPM, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=target,
            check=True,
            capture_output=True,
            timeout=300,
        )
    return target


class OidcProvider:
    """start() runs the provider on a free port for one client; stop() ends it."""

    client_id = "fb15"
    client_secret = "test-client-secret-0123456789-abcdefghijklmnop"

    def __init__(self, redirect_uri: str, post_logout_redirect_uri: str):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.redirect_uri = redirect_uri
        self.post_logout_redirect_uri = post_logout_redirect_uri
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        directory = installed_provider()
        log = directory / f"provider-{self.port}.log"
        self.log = log
        self.process = subprocess.Popen(
            [NODE, "provider.js"],
            cwd=directory,
            env={
                **os.environ,
                "PORT": str(self.port),
                "CLIENT_ID": self.client_id,
                "CLIENT_SECRET": self.client_secret,
                "REDIRECT_URI": self.redirect_uri,
                "POST_LOGOUT_REDIRECT_URI": self.post_logout_redirect_uri,
            },
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oidc-provider exited: {log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("oidc-provider did not start listening within 20 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self.process = None

    def env(self) -> dict[str, str]:
        """The variables an installation sets for this provider (as for Keycloak, README)."""
        return {
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/auth",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/me",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/jwks",
            "OIDC_OP_END_SESSION_ENDPOINT": f"{self.issuer}/session/end",
            "OIDC_ROLE_CLAIM": "groups",
            "OIDC_ROLE_GROUPS": "Strategieteam=/fb15/strategie;Rat=/rat",
            "OIDC_UNIT_CLAIM": "department",
        }

import os

import pytest

from tests.factories import make_personas

# Playwright's sync API runs an event loop in the test thread; the ORM calls in browser tests
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def personas(db):
    return make_personas()


@pytest.fixture
def client_for(client):
    """Log a persona in: `client_for(user)` returns the test client acting as that user."""

    def login(user):
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        return client

    return login

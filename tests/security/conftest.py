import pytest

from tests.factories import make_periods, make_world


@pytest.fixture
def world(personas, db):
    """A measure and a project of FB 32 and of FB 50 (see tests/factories.py)."""
    return make_world(personas, make_periods())

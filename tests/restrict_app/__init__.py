"""A test-only app with a unit-owned model, to exercise restrict() independently of the domain.

Installed only when the tests run (see tests/conftest.py); it has no migrations, so the test
database creates its table directly.
"""

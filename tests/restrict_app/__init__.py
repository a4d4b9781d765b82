"""A test-only app with a unit-owned model, to exercise restrict() independently of the domain.

Installed only when the tests run (tests/settings.py).
"""

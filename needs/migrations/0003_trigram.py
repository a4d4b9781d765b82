"""pg_trgm and GIN trigram indexes on the titles the synergies compare (needs/synergies.py:
`title % …` over needs, measures and projects). PostgreSQL only; SQLite compares in Python.

The indexes on the measures' tables live here because only the synergies use them.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

TABLES = ("needs_need", "measures_measure", "measures_project")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS synergy_{table}_title_trgm "
            f"ON {table} USING gin (title gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS synergy_{table}_title_trgm")


class Migration(migrations.Migration):
    dependencies = [("needs", "0002_search_indexes"), ("measures", "0001_initial")]

    operations = [TrigramExtension(), migrations.RunPython(create, drop)]

"""GIN indexes for the German full-text search on the searchable models' own tables.

The indexes live on other apps' tables but belong to the search: they are built from
`SearchIndex.database_indexes()` so the indexed expression is exactly the one the search
queries. Changing an index's fields in `search/indexes.py` needs a new migration like this.
PostgreSQL only; SQLite searches without them.
"""

from django.db import migrations


def _each_index(apps, schema_editor):
    from search.indexes import INDEXES

    if schema_editor.connection.vendor != "postgresql":
        return
    for search_index in INDEXES:
        model = apps.get_model(search_index.model_label)
        for database_index in search_index.database_indexes():
            yield model, database_index


def _code_indexes(apps, schema_editor):
    """Codes typed as a prefix ("M-2.3") match `UPPER(code) LIKE 'M-2.3%'` (istartswith)."""
    from search.indexes import INDEXES

    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for search_index in INDEXES:
        table = apps.get_model(search_index.model_label)._meta.db_table
        for name in search_index.code_fields:
            index_name = f"search_{table.split('_', 1)[1]}_{name}_upper"
            create = (
                f"CREATE INDEX {quote(index_name)} ON {quote(table)} "
                f"((UPPER({quote(name)}::text)) text_pattern_ops)"
            )
            yield create, f"DROP INDEX IF EXISTS {quote(index_name)}"


def create_indexes(apps, schema_editor):
    for model, database_index in _each_index(apps, schema_editor):
        schema_editor.execute(database_index.create_sql(model, schema_editor))
    for create, _drop in _code_indexes(apps, schema_editor):
        schema_editor.execute(create)


def drop_indexes(apps, schema_editor):
    for model, database_index in _each_index(apps, schema_editor):
        schema_editor.execute(database_index.remove_sql(model, schema_editor))
    for _create, drop in _code_indexes(apps, schema_editor):
        schema_editor.execute(drop)


class Migration(migrations.Migration):
    dependencies = [
        ("fb15", "0002_roles"),
        ("measures", "0002_measure_trends"),
        ("standards", "0003_protect_compliance_and_exemptions"),
        ("strategy", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]

"""Stored German text vectors for the synergies (needs/synergies.py), PostgreSQL only.

The tables of needs, measures and projects get a column `synergy_vector` holding exactly the
weighted vector the header search builds (`SearchIndex.vector()`, fb15/search.py). A trigger
keeps it current when a text column is written (a trigger rather than a generated column,
so later migrations may still change those columns' types). The similar-items box finds
candidates through the header search's GIN expression index and ranks them by this column
without parsing their texts again (bench/needs_bench.py). The column has no index of its
own: with one, the planner took `@@` on it for cheap and read the whole table. The models
do not declare the column; SQLite compares in Python.

The titles' trigram indexes of 0003 become GiST: for `title % …` with a title of several
words GIN reads the long lists of common trigrams (15 ms at 10,000 measures), GiST 2–4 ms.
"""

from django.db import migrations
from django.db.models.sql import Query

from fb15.search import search_index

# (model, search index key) of the items the synergies compare.
ITEMS = (
    ("needs.Need", "bedarf"),
    ("measures.Measure", "massnahme"),
    ("measures.Project", "projekt"),
)


def vector_sql(model, index_key, schema_editor) -> tuple[str, list[str]]:
    """The SQL of the search index's vector on `model`'s unqualified columns, and the
    columns it reads."""
    index = search_index(index_key)
    query = Query(model, alias_cols=False)
    expression = index.vector().resolve_expression(query)
    compiler = query.get_compiler(connection=schema_editor.connection)
    sql, params = expression.as_sql(compiler, schema_editor.connection)
    sql = sql % tuple(schema_editor.quote_value(param) for param in params)
    names = index.title_fields + index.text_fields
    return sql, [model._meta.get_field(name).column for name in names]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for label, index_key in ITEMS:
        model = apps.get_model(label)
        table = model._meta.db_table
        vector, columns = vector_sql(model, index_key, schema_editor)
        schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN synergy_vector tsvector")
        schema_editor.execute(f"UPDATE {table} SET synergy_vector = {vector}")
        schema_editor.execute(
            f"CREATE FUNCTION synergy_{table}_vector() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN NEW.synergy_vector := (SELECT {vector} FROM (SELECT (NEW).*) AS item); "
            f"RETURN NEW; END $$"
        )
        schema_editor.execute(
            f"CREATE TRIGGER synergy_vector BEFORE INSERT OR UPDATE OF {', '.join(columns)} "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION synergy_{table}_vector()"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS synergy_{table}_title_trgm")
        schema_editor.execute(
            f"CREATE INDEX synergy_{table}_title_trgm ON {table} USING gist (title gist_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for label, _index_key in ITEMS:
        table = apps.get_model(label)._meta.db_table
        schema_editor.execute(f"DROP INDEX IF EXISTS synergy_{table}_title_trgm")
        schema_editor.execute(
            f"CREATE INDEX synergy_{table}_title_trgm ON {table} USING gin (title gin_trgm_ops)"
        )
        schema_editor.execute(f"DROP TRIGGER IF EXISTS synergy_vector ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS synergy_{table}_vector()")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS synergy_vector")


class Migration(migrations.Migration):
    dependencies = [("needs", "0005_need_services"), ("measures", "0006_services")]

    operations = [migrations.RunPython(create, drop)]

"""Indexes for the header search on this app's searchable tables (fb15/search.py)."""

from django.db import migrations

from fb15.search import index_operations


class Migration(migrations.Migration):
    dependencies = [("needs", "0001_initial")]

    operations = index_operations("needs")

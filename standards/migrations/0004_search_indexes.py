"""Indexes for the header search on this app's searchable tables (fb15/search.py)."""

from django.db import migrations

from fb15.search import index_operations


class Migration(migrations.Migration):
    dependencies = [("standards", "0003_protect_compliance_and_exemptions")]

    operations = index_operations("standards")

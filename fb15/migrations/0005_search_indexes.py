"""Indexes for the header search on this app's searchable tables (fb15/search.py)."""

from django.db import migrations

from fb15.search import index_operations


class Migration(migrations.Migration):
    dependencies = [("fb15", "0004_mail_retry_job")]

    operations = index_operations("fb15")

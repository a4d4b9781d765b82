"""pg_trgm for the title similarity of the synergies (needs/synergies.py); PostgreSQL only."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("needs", "0002_search_indexes")]

    operations = [TrigramExtension()]

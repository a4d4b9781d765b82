"""Create the role groups. Their model permissions are applied after every migrate
(fb15.permissions.sync_role_permissions), so apps added later extend them."""

from django.db import migrations

ROLES = ["Strategieteam", "Rat", "Mitarbeitende"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("fb15", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_roles, remove_roles)]

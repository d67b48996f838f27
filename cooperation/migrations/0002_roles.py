from django.db import migrations

from cooperation import roles


def create_roles(apps, schema_editor):
    roles.grant(apps, [roles.EDITORS, roles.PUBLISHERS])


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[roles.EDITORS, roles.PUBLISHERS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

from django.db import migrations


def create_roles(apps, schema_editor):
    from kandidaten.roles import sync_roles_in_migration

    sync_roles_in_migration(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("kandidaten", "0002_referentiedata"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]

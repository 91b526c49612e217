"""Audit records carry the gemeenten they concern (who may read them); the roles follow issue #15:
beheer reads the audit log of its gemeenten, teamleiders no longer read the import records."""

import django.db.models.deletion
from django.db import migrations, models


def update_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view_import = Permission.objects.filter(codename="view_import", content_type__app_label="kandidaten")
    for teamleider in Group.objects.filter(name="Teamleider"):
        teamleider.permissions.remove(*view_import)

    from kandidaten.roles import sync_roles_in_migration

    sync_roles_in_migration(apps)  # adds view_auditevent to Functioneel beheer


class Migration(migrations.Migration):
    dependencies = [
        ("kandidaten", "0012_abonnementen_bewaartermijn"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditGemeente",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "auditevent",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="kandidaten.auditevent"
                    ),
                ),
                (
                    "gemeente",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="kandidaten.gemeente",
                    ),
                ),
            ],
            options={
                "verbose_name": "gemeente van een auditregel",
                "verbose_name_plural": "gemeenten van auditregels",
            },
        ),
        migrations.AddField(
            model_name="auditevent",
            name="gemeenten",
            field=models.ManyToManyField(
                blank=True,
                help_text="De gemeenten van de kandidaten waar het om gaat.",
                related_name="+",
                through="kandidaten.AuditGemeente",
                to="kandidaten.gemeente",
            ),
        ),
        migrations.AddConstraint(
            model_name="auditgemeente",
            constraint=models.UniqueConstraint(fields=("gemeente", "auditevent"), name="auditgemeente_uniek"),
        ),
        migrations.RunPython(update_roles, migrations.RunPython.noop),
    ]

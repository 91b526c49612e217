"""Issue #17 part B: the follow-up of the profile worklist (ours, kept across imports, with its history), the
team overview's stored counts per gemeente, and the roles' new permissions (team overview for teamleider and
beheer; the follow-up of one's own clients for every role, of the whole team for teamleiders)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def sync_roles(apps, schema_editor):
    from kandidaten.roles import sync_roles_in_migration

    sync_roles_in_migration(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("kandidaten", "0016_mijn_lijsten"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="actie",
            field=models.CharField(
                choices=[
                    ("export", "Export"),
                    ("kandidaat_bekeken", "Kandidaat bekeken"),
                    ("import", "Import"),
                    ("gewijzigd", "Gegevens gewijzigd"),
                    ("opgeschoond", "Opgeschoond (bewaartermijn)"),
                    ("opvolging", "Opvolging gewijzigd"),
                ],
                max_length=30,
            ),
        ),
        migrations.CreateModel(
            name="Opvolging",
            fields=[
                (
                    "kandidaat",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="opvolging",
                        serialize=False,
                        to="kandidaten.kandidaat",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("contact", "Contact gelegd"),
                            ("afspraak", "Afspraak gepland"),
                            ("aangevraagd", "Profiel aangevraagd"),
                            ("niet_mogelijk", "Niet mogelijk"),
                        ],
                        default="open",
                        max_length=20,
                    ),
                ),
                (
                    "reden",
                    models.CharField(
                        blank=True, help_text="Waarom het niet mogelijk is.", max_length=200, verbose_name="reden"
                    ),
                ),
                ("notitie", models.CharField(blank=True, max_length=500, verbose_name="notitie")),
                (
                    "datum",
                    models.DateField(
                        help_text="De datum van deze stand (contact, afspraak, aanvraag).", verbose_name="datum"
                    ),
                ),
                ("gewijzigd_door_naam", models.CharField(blank=True, max_length=150)),
                ("gewijzigd", models.DateTimeField(auto_now=True)),
                (
                    "gewijzigd_door",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "opvolging",
                "verbose_name_plural": "opvolgingen",
                "permissions": [
                    ("view_teamoverzicht", "Kan het teamoverzicht zien"),
                    (
                        "opvolgen_voor_team",
                        "Kan de opvolging zetten voor kandidaten van elke begeleider in de eigen gemeenten",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="OpvolgingWijziging",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("status", models.CharField(max_length=20)),
                ("reden", models.CharField(blank=True, max_length=200)),
                ("notitie", models.CharField(blank=True, max_length=500)),
                ("datum", models.DateField()),
                ("door_naam", models.CharField(blank=True, max_length=150)),
                ("tijdstip", models.DateTimeField(auto_now_add=True)),
                (
                    "door",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "import_run",
                    models.ForeignKey(
                        blank=True,
                        help_text="De import die de opvolging afsloot (klantprofiel J).",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="kandidaten.import",
                    ),
                ),
                (
                    "kandidaat",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="opvolgingswijzigingen",
                        to="kandidaten.kandidaat",
                    ),
                ),
            ],
            options={
                "verbose_name": "wijziging van een opvolging",
                "verbose_name_plural": "wijzigingen van opvolgingen",
                "ordering": ["-tijdstip", "-id"],
            },
        ),
        migrations.CreateModel(
            name="TeamTelling",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("peildatum", models.DateField()),
                ("generatie", models.PositiveBigIntegerField()),
                ("tellingen", models.JSONField()),
                ("berekend", models.DateTimeField(auto_now_add=True)),
                (
                    "gemeente",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="kandidaten.gemeente"
                    ),
                ),
            ],
            options={
                "verbose_name": "teamtelling",
                "verbose_name_plural": "teamtellingen",
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(fields=("peildatum", "generatie", "gemeente"), name="teamtelling_uniek")
                ],
            },
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]

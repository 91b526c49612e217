"""Dutch name order: Kandidaat.naam_sortering (kandidaten/naamsortering.py), filled for the clients already
stored, and the list's indexes on it instead of on the name as written."""

from django.db import migrations, models

BATCH = 5000


def vul_sorteersleutels(apps, schema_editor):
    from kandidaten.naamsortering import naam_sorteersleutel

    Kandidaat = apps.get_model("kandidaten", "Kandidaat")
    rijen = Kandidaat.objects.order_by("pk").values_list("pk", "naam")
    last = 0
    while batch := list(rijen.filter(pk__gt=last)[:BATCH]):
        Kandidaat.objects.bulk_update(
            [Kandidaat(pk=pk, naam_sortering=naam_sorteersleutel(naam)) for pk, naam in batch], ["naam_sortering"]
        )
        last = batch[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("kandidaten", "0014_transparantie"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="kandidaat",
            name="kandidaten__naam_ea1322_idx",
        ),
        migrations.RemoveIndex(
            model_name="kandidaat",
            name="kandidaten__gemeent_fbd95c_idx",
        ),
        migrations.RemoveIndex(
            model_name="kandidaat",
            name="kandidaten__profiel_6c7991_idx",
        ),
        migrations.AddField(
            model_name="kandidaat",
            name="naam_sortering",
            field=models.CharField(default="", editable=False, max_length=100),
        ),
        migrations.RunPython(vul_sorteersleutels, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="kandidaat",
            index=models.Index(
                fields=[
                    "gemeente",
                    "in_bron",
                    "naam_sortering",
                    "pers_nr_sleutel",
                    "dgr",
                    "banenafspraak",
                    "sonar_status",
                    "klantprofiel",
                    "klant_van",
                    "profiel_nodig",
                    "telt_in_sonar",
                ],
                name="kandidaten__gemeent_fb398d_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="kandidaat",
            index=models.Index(
                fields=["-profiel_nodig", "naam_sortering", "pers_nr_sleutel"], name="kandidaten__profiel_13f644_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="kandidaat",
            index=models.Index(fields=["naam_sortering"], name="kandidaten__naam_so_3d0609_idx"),
        ),
    ]

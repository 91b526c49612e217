"""The transparency report's stored state per gemeente and stand date (docs/transparantie.md).

The importer calls `leg_stand_vast` inside the transaction that changed clients, with the gemeenten whose
clients it touched and the stand date of its export; admin corrections (`kandidaten/signals.py`) call it with
today's date. The report as of a date D then reads, per gemeente, the row with the latest stand <= D: exact
after later imports, after corrections and after retention purges, because nothing is recounted afterwards.
"""

from django.db import transaction
from django.db.models import Count, Exists, OuterRef

from kandidaten.models import Kandidaat, Klantprofiel, KlantVan, TransparantieTelling
from kandidaten.models.transparantie import Bron

# The stored columns, by (klant van, has a profile). Any other stored klant van counts as unknown.
KOLOM = {
    (KlantVan.GEMEENTE, True): "gemeente_profiel",
    (KlantVan.GEMEENTE, False): "gemeente_geen_profiel",
    (KlantVan.UWV, True): "uwv_profiel",
    (KlantVan.UWV, False): "uwv_geen_profiel",
    (KlantVan.ONBEKEND, True): "onbekend_profiel",
    (KlantVan.ONBEKEND, False): "onbekend_geen_profiel",
}
KOLOMMEN = list(dict.fromkeys(KOLOM.values()))


def tel_per_gemeente(kandidaat_model=Kandidaat, gemeente_ids=None):
    """{gemeente id: {column: count}} over the clients counted in Sonar now (in the source, teldefinitie).

    One GROUP BY, read from the client list's covering index. `kandidaat_model` lets the data migration pass
    its historical model. Gemeenten without counted clients are absent: the caller writes their zeros.
    """
    queryset = kandidaat_model.objects.filter(in_bron=True, telt_in_sonar=True)
    if gemeente_ids is not None:
        queryset = queryset.filter(gemeente_id__in=gemeente_ids)
    groepen = queryset.values("gemeente_id", "klant_van", "klantprofiel").annotate(aantal=Count("pk")).order_by()
    tellingen = {}
    for groep in groepen:
        klant_van = groep["klant_van"] if groep["klant_van"] in (KlantVan.GEMEENTE, KlantVan.UWV) else ""
        kolom = KOLOM[(klant_van, groep["klantprofiel"] == Klantprofiel.JA)]
        per_kolom = tellingen.setdefault(groep["gemeente_id"], dict.fromkeys(KOLOMMEN, 0))
        per_kolom[kolom] += groep["aantal"]
    return tellingen


def leg_stand_vast(*, stand, gemeente_ids, bron=Bron.IMPORT):
    """Record the report's counts of `gemeente_ids` as they are now, under stand date `stand`.

    Call inside the transaction that changed their clients, after the change. A gemeente without counted
    clients gets a row of zeros, so the report never reads an older row for it. The row of the same gemeente
    and stand is overwritten. An import also forgets the corrections recorded after its stand and before the next
    import's stand: they were made on data this import has now replaced (docs/transparantie.md).
    """
    gemeente_ids = set(gemeente_ids)
    if not gemeente_ids:
        return
    with transaction.atomic():  # a savepoint inside the caller's transaction: all of it or nothing
        tellingen = tel_per_gemeente(Kandidaat, gemeente_ids)
        # A correction on the day of an import's stand amends that import's row; it stays the import's.
        blijft_import = set(TransparantieTelling.objects.filter(
            stand=stand, gemeente_id__in=gemeente_ids, bron=Bron.IMPORT).values_list("gemeente_id", flat=True))
        if bron == Bron.IMPORT:
            _vergeet_achterhaalde_correcties(stand, gemeente_ids)
        # An upsert, not delete-and-insert: a correction and an import recording the same gemeente and day at
        # once (PostgreSQL) then cannot collide on the unique (gemeente, stand).
        TransparantieTelling.objects.bulk_create(
            [
                TransparantieTelling(
                    stand=stand, gemeente_id=gemeente_id,
                    bron=Bron.IMPORT if gemeente_id in blijft_import else bron,
                    **dict(dict.fromkeys(KOLOMMEN, 0), **tellingen.get(gemeente_id, {})),
                )
                for gemeente_id in sorted(gemeente_ids)
            ],
            update_conflicts=True, unique_fields=["gemeente", "stand"],
            update_fields=[*KOLOMMEN, "bron", "vastgelegd"],
        )


def _vergeet_achterhaalde_correcties(stand, gemeente_ids):
    later_import = TransparantieTelling.objects.filter(
        gemeente=OuterRef("gemeente"), bron=Bron.IMPORT, stand__gt=stand, stand__lte=OuterRef("stand")
    )
    TransparantieTelling.objects.filter(
        gemeente_id__in=gemeente_ids, bron=Bron.CORRECTIE, stand__gt=stand
    ).exclude(Exists(later_import)).delete()


def eerste_vastlegging(apps):
    """The data migration's first rows: every gemeente as the current clients stand, so an installation that
    already holds clients has a report at once. Stand: the latest applied kandidaten import's stand (or its
    day), else today. A database without clients gets no rows (its first import writes them)."""
    from django.utils import timezone

    kandidaat_model = apps.get_model("kandidaten", "Kandidaat")
    if not kandidaat_model.objects.exists():
        return
    stand = _stand_van_laatste_kandidatenimport(apps.get_model("kandidaten", "Import")) or timezone.localdate()
    tellingen = tel_per_gemeente(kandidaat_model)
    telling_model = apps.get_model("kandidaten", "TransparantieTelling")
    telling_model.objects.bulk_create(
        telling_model(stand=stand, gemeente_id=gemeente_id, bron=Bron.MIGRATIE, **tellingen.get(gemeente_id, {}))
        for gemeente_id in apps.get_model("kandidaten", "Gemeente").objects.values_list("pk", flat=True)
    )


def _stand_van_laatste_kandidatenimport(import_model):
    from django.utils import timezone

    toegepast = import_model.objects.filter(status="toegepast", toegepast__isnull=False).order_by("-toegepast")
    for stand, moment, voorbeeld in toegepast.values_list("stand", "toegepast", "voorbeeld").iterator():
        if any(sheet.get("type") == "kandidaten" for sheet in (voorbeeld or {}).get("sheets", [])):
            return stand or timezone.localdate(moment)
    return None

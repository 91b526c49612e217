"""Trajecten, modules and external placements: dated items that belong to a client."""

from django.db import models
from django.db.models import Q


def actief_op(peildatum):
    """DOMAIN.md's "Actief" at peildatum P: Startdatum <= P and (Einddatum empty or Einddatum >= P).

    THE definition: the panel's counters, the candidate list's Uitvoerende filter and the client page's
    state of an item all build on it (`Item.objects.actief(op=P)`, or this Q inside a larger condition).
    """
    return Q(startdatum__lte=peildatum) & (Q(einddatum__isnull=True) | Q(einddatum__gte=peildatum))


class ItemQuerySet(models.QuerySet):
    def in_bron(self):
        return self.filter(in_bron=True)

    def actief(self, *, op):
        """The items active at peildatum `op` (in the source or not: combine with .in_bron())."""
        return self.filter(actief_op(op))


class Item(models.Model):
    """What trajecten, modules and plaatsingen share; the counters rely on these fields."""

    sleutel = models.CharField(max_length=50, unique=True, editable=False)
    kandidaat = models.ForeignKey("kandidaten.Kandidaat", on_delete=models.PROTECT, related_name="+")
    uitvoerende = models.CharField(max_length=200, blank=True)
    startdatum = models.DateField()
    signaaldatum = models.DateField(null=True, blank=True)
    einddatum = models.DateField(null=True, blank=True)

    in_bron = models.BooleanField("in bron", default=True)
    niet_in_bron_sinds = models.DateField("niet meer in bron sinds", null=True, blank=True)
    # Not indexed, as Kandidaat's: nothing looks items up by import.
    laatste_import = models.ForeignKey(
        "kandidaten.Import", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    bron_hash = models.CharField(max_length=16, blank=True, editable=False)
    bijgewerkt = models.DateTimeField(auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        abstract = True


class Traject(Item):
    traject_id = models.CharField("Traject-ID", max_length=50)
    naam = models.CharField("traject", max_length=200, blank=True)
    kandidaat = models.ForeignKey("kandidaten.Kandidaat", on_delete=models.PROTECT, related_name="trajecten")

    class Meta:
        verbose_name = "traject"
        verbose_name_plural = "trajecten"
        ordering = ["-startdatum"]
        indexes = [
            # Covers every counter of the signal panel: the national count never reads the table itself.
            models.Index(fields=["in_bron", "startdatum", "einddatum", "signaaldatum", "kandidaat"]),
            # A drill-down page sorted on signaaldatum or einddatum reads the items in this order and stops
            # after the page (nationally 80 ms of sorting 300,000 index entries -> 7 ms).
            models.Index(fields=["in_bron", "signaaldatum", "startdatum", "einddatum", "kandidaat"]),
            models.Index(fields=["in_bron", "einddatum", "startdatum", "kandidaat"]),
            models.Index(fields=["uitvoerende"]),
        ]

    def __str__(self):
        return f"Traject {self.traject_id}"


class Module(Item):
    module_id = models.CharField("Module-ID", max_length=50)
    naam = models.CharField("module", max_length=200, blank=True)
    kandidaat = models.ForeignKey("kandidaten.Kandidaat", on_delete=models.PROTECT, related_name="modules")
    traject_ref = models.CharField("Traject-ID", max_length=50, blank=True, help_text="Zoals geëxporteerd.")
    traject = models.ForeignKey(
        # Indexed below, with the dates: the composite index serves every lookup by traject.
        Traject, on_delete=models.SET_NULL, null=True, blank=True, related_name="modules", db_index=False
    )
    opgeschort = models.BooleanField(default=False)

    class Meta:
        verbose_name = "module"
        verbose_name_plural = "modules"
        ordering = ["-startdatum"]
        indexes = [
            # Covers every module counter and "zonder actieve module" (traject) without reading the table.
            models.Index(
                fields=["in_bron", "startdatum", "einddatum", "signaaldatum", "opgeschort", "kandidaat", "traject"]
            ),
            # "Is there an active module in this traject?": one index probe per traject.
            models.Index(fields=["traject", "in_bron", "startdatum", "einddatum"]),
            # A drill-down page sorted on signaaldatum or einddatum reads the items in this order and stops
            # after the page (nationally 80 ms of sorting 300,000 index entries -> 7 ms).
            models.Index(fields=["in_bron", "signaaldatum", "startdatum", "einddatum", "kandidaat"]),
            models.Index(fields=["in_bron", "einddatum", "startdatum", "kandidaat"]),
            models.Index(fields=["uitvoerende"]),
        ]

    def __str__(self):
        return f"Module {self.module_id}"


class Plaatsing(Item):
    plaatsing_id = models.CharField("Plaatsing-ID", max_length=50)
    kandidaat = models.ForeignKey("kandidaten.Kandidaat", on_delete=models.PROTECT, related_name="plaatsingen")
    werkgever = models.CharField(max_length=200, blank=True)
    functie = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "externe plaatsing"
        verbose_name_plural = "externe plaatsingen"
        ordering = ["-startdatum"]
        indexes = [
            # Covers every counter of the signal panel: the national count never reads the table itself.
            models.Index(fields=["in_bron", "startdatum", "einddatum", "signaaldatum", "kandidaat"]),
            # A drill-down page sorted on signaaldatum or einddatum reads the items in this order and stops
            # after the page (nationally 80 ms of sorting 300,000 index entries -> 7 ms).
            models.Index(fields=["in_bron", "signaaldatum", "startdatum", "einddatum", "kandidaat"]),
            models.Index(fields=["in_bron", "einddatum", "startdatum", "kandidaat"]),
            models.Index(fields=["uitvoerende"]),
        ]

    def __str__(self):
        return f"Plaatsing {self.plaatsing_id}"

"""The signal panel's stored counts: the 17 counters per gemeente at a peildatum, for one state of the data.

Counting ~1,000,000 items live takes a second or more nationally (counting the active items alone is
~150 ms on SQLite), while the data changes only when an import is applied or beheer corrects a record.
So the panel keeps what it counted, per (peildatum, gemeente, data generation): every change of clients
or items raises the generation in the same transaction, and counts of an older generation are never read.
"""

from django.db import models
from django.db.models import F, Subquery
from django.db.models.functions import Coalesce


class Datastand(models.Model):
    """One row: the generation of the clients' and items' data, raised by every change of them."""

    generatie = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "datastand"
        verbose_name_plural = "datastand"

    def __str__(self):
        return f"generatie {self.generatie}"

    @classmethod
    def huidige(cls):
        return cls.objects.filter(pk=1).values_list("generatie", flat=True).first() or 0

    @classmethod
    def huidige_in_query(cls):
        """The same number as `huidige()`, as an expression: read inside another query, not before it."""
        return Coalesce(Subquery(cls.objects.filter(pk=1).values("generatie")[:1]), 0)

    @classmethod
    def verhoog(cls):
        """Call inside the transaction that changes the data: counts made before it are then stale."""
        if not cls.objects.filter(pk=1).update(generatie=F("generatie") + 1):
            # The migration creates the row; a flushed test database has none.
            cls.objects.get_or_create(pk=1, defaults={"generatie": 1})


class Telling(models.Model):
    """Counts of one gemeente at one peildatum, for one state of the data (the generation): stored once counted,
    never read after the generation moved on (`services.paneeltellingen`)."""

    peildatum = models.DateField()
    generatie = models.PositiveBigIntegerField()
    gemeente = models.ForeignKey("kandidaten.Gemeente", on_delete=models.CASCADE, related_name="+")
    tellingen = models.JSONField()
    berekend = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["peildatum", "generatie", "gemeente"], name="%(class)s_uniek"),
        ]

    def __str__(self):
        return f"{self.gemeente_id} op {self.peildatum} (generatie {self.generatie})"


class PaneelTelling(Telling):
    """The 17 counters of one gemeente at one peildatum: {"trajecten": {"actief": 12, ...}, ...}."""

    class Meta(Telling.Meta):
        verbose_name = "paneeltelling"
        verbose_name_plural = "paneeltellingen"


class TeamTelling(Telling):
    """The team overview's counts of one gemeente per begeleider at one peildatum (selectors.team.tel_per_gemeente):
    {begeleider: [clients, five signal counters, "since" date|flag, clients, ...]}. The follow-up is not in it: it
    changes without a new generation and is counted live."""

    class Meta(Telling.Meta):
        verbose_name = "teamtelling"
        verbose_name_plural = "teamtellingen"

"""The transparency report's stored counts (ours, per stand date) and UWV's published figures (per quarter).

No personal data: counts per gemeente only. They stay when clients are purged (docs/transparantie.md).
"""

from django.db import models


class Bron(models.TextChoices):
    IMPORT = "import", "Import"
    CORRECTIE = "correctie", "Correctie in het beheer"
    MIGRATIE = "migratie", "Eerste vastlegging bij installatie"


class TransparantieTelling(models.Model):
    """The clients of one gemeente counted in Sonar, as the data stood at `stand`.

    Written by `services.transparantie.leg_stand_vast` in the transaction that changed the clients. The report as
    of a date D reads, per gemeente, the row with the latest stand <= D.
    """

    stand = models.DateField(help_text="De datum waarop de gegevens deze stand hadden.")
    # No index of its own: the unique constraint below starts with gemeente.
    gemeente = models.ForeignKey("kandidaten.Gemeente", on_delete=models.PROTECT, related_name="+", db_index=False)
    gemeente_profiel = models.PositiveIntegerField(default=0)
    gemeente_geen_profiel = models.PositiveIntegerField(default=0)
    uwv_profiel = models.PositiveIntegerField(default=0)
    uwv_geen_profiel = models.PositiveIntegerField(default=0)
    # "Klant van" unknown (no Indicering, a doelgroep the table does not know): the report's Onbekend row.
    onbekend_profiel = models.PositiveIntegerField(default=0)
    onbekend_geen_profiel = models.PositiveIntegerField(default=0)
    bron = models.CharField(max_length=10, choices=Bron.choices, default=Bron.IMPORT)
    vastgelegd = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "transparantietelling"
        verbose_name_plural = "transparantietellingen"
        constraints = [
            # Also the index of "the latest row <= D of this gemeente": one seek per gemeente.
            models.UniqueConstraint(fields=["gemeente", "stand"], name="transparantietelling_uniek"),
        ]

    def __str__(self):
        return f"{self.gemeente_id} op {self.stand}"


class UwvTelling(models.Model):
    """One gemeente row of UWV's published table "Transparantie van klantprofielen" for a quarter.

    `gemeente` is empty for a name that is no longer a gemeente (Nuth, Onderbanken, Schinnen merged into
    Beekdaelen): such rows keep their published name and are compared per region only.
    """

    kwartaal = models.CharField(max_length=7, help_text="bijvoorbeeld 2025-Q2")
    regio = models.ForeignKey(
        "kandidaten.Arbeidsmarktregio", on_delete=models.PROTECT, related_name="+", verbose_name="arbeidsmarktregio"
    )
    gemeente = models.ForeignKey(
        "kandidaten.Gemeente", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    gemeente_naam = models.CharField("gemeente zoals gepubliceerd", max_length=100)
    gemeente_profiel = models.PositiveIntegerField("gemeenteklanten: profiel")
    gemeente_geen_profiel = models.PositiveIntegerField("gemeenteklanten: geen profiel")
    uwv_profiel = models.PositiveIntegerField("UWV-klanten: profiel")
    uwv_geen_profiel = models.PositiveIntegerField("UWV-klanten: geen profiel")
    totaal = models.PositiveIntegerField("totaal in Sonar")

    class Meta:
        ordering = ["kwartaal", "regio__nummer", "gemeente_naam"]
        verbose_name = "gepubliceerde UWV-telling"
        verbose_name_plural = "gepubliceerde UWV-tellingen"
        constraints = [
            models.UniqueConstraint(fields=["kwartaal", "regio", "gemeente_naam"], name="uwvtelling_uniek"),
        ]

    def __str__(self):
        return f"{self.kwartaal} {self.gemeente_naam}: {self.totaal}"

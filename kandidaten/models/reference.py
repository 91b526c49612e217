"""Reference tables that beheer maintains: regions, gemeenten, doelgroepen."""

from django.db import models

from kandidaten.keys import doelgroep_sleutel, gemeente_sleutel

ONBEKEND = "Onbekend"


class Arbeidsmarktregio(models.Model):
    nummer = models.PositiveSmallIntegerField(unique=True)
    naam = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["nummer"]
        verbose_name = "arbeidsmarktregio"
        verbose_name_plural = "arbeidsmarktregio's"

    def __str__(self):
        return self.naam


class GemeenteQuerySet(models.QuerySet):
    def onbekend(self):
        return self.get(naam=ONBEKEND)

    def met_naam(self, naam):
        """The gemeente a name means, matched as the importer matches it (key, then aliases); else None."""
        sleutel = gemeente_sleutel(naam)
        gemeente = self.filter(sleutel=sleutel).first()
        if gemeente is None:
            alias = GemeenteAlias.objects.filter(sleutel=sleutel, gemeente__in=self).select_related("gemeente").first()
            gemeente = alias.gemeente if alias else None
        return gemeente


class Gemeente(models.Model):
    """A gemeente of the reference list, or the one "Onbekend" gemeente.

    Clients whose exported gemeente is empty or not recognised are kept under
    "Onbekend" (never dropped): it has no arbeidsmarktregio.
    """

    naam = models.CharField(max_length=100, unique=True)
    sleutel = models.CharField(max_length=100, unique=True, editable=False)
    regio = models.ForeignKey(
        Arbeidsmarktregio,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gemeenten",
        verbose_name="arbeidsmarktregio",
    )

    objects = GemeenteQuerySet.as_manager()

    class Meta:
        ordering = ["naam"]
        verbose_name = "gemeente"
        verbose_name_plural = "gemeenten"

    def __str__(self):
        return self.naam

    def save(self, *args, **kwargs):
        self.sleutel = gemeente_sleutel(self.naam)
        super().save(*args, **kwargs)

    @property
    def is_onbekend(self):
        return self.naam == ONBEKEND


class GemeenteAlias(models.Model):
    """Another spelling that means this gemeente ("Den Haag" for "'s-Gravenhage")."""

    gemeente = models.ForeignKey(Gemeente, on_delete=models.CASCADE, related_name="aliassen")
    alias = models.CharField(max_length=100)
    sleutel = models.CharField(max_length=100, unique=True, editable=False)

    class Meta:
        ordering = ["alias"]
        verbose_name = "alias van een gemeente"
        verbose_name_plural = "aliassen van gemeenten"

    def __str__(self):
        return f"{self.alias} → {self.gemeente}"

    def save(self, *args, **kwargs):
        self.sleutel = gemeente_sleutel(self.alias)
        super().save(*args, **kwargs)


class KlantVan(models.TextChoices):
    GEMEENTE = "gemeente", "Gemeente"
    UWV = "uwv", "UWV"
    ONBEKEND = "", "Onbekend"


class Doelgroep(models.Model):
    """Which doelgroep makes a client a gemeente client or a UWV client.

    Used when an export has no Indicering column. Beheer edits this table;
    changing a row re-derives "klant van" for the clients with that doelgroep.
    """

    naam = models.CharField(max_length=100, unique=True)
    sleutel = models.CharField(max_length=100, unique=True, editable=False)
    klant_van = models.CharField(
        max_length=10, choices=KlantVan.choices, blank=True, verbose_name="klant van"
    )

    class Meta:
        ordering = ["naam"]
        verbose_name = "doelgroep"
        verbose_name_plural = "doelgroepen"

    def __str__(self):
        return self.naam

    def save(self, *args, **kwargs):
        self.sleutel = doelgroep_sleutel(self.naam)
        super().save(*args, **kwargs)


class DoelgroepregisterTotaal(models.Model):
    """Persons in the doelgroepregister for a gemeente or region in a quarter (entered by beheer)."""

    kwartaal = models.CharField(max_length=7, help_text="bijvoorbeeld 2025-Q2")
    regio = models.ForeignKey(
        Arbeidsmarktregio, on_delete=models.CASCADE, null=True, blank=True,
        verbose_name="arbeidsmarktregio",
    )
    gemeente = models.ForeignKey(Gemeente, on_delete=models.CASCADE, null=True, blank=True)
    personen = models.PositiveIntegerField(verbose_name="personen in het doelgroepregister")
    percentage_bekend_in_sonar = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name="gepubliceerd percentage bekend in Sonar"
    )

    class Meta:
        ordering = ["kwartaal"]
        verbose_name = "totaal doelgroepregister"
        verbose_name_plural = "totalen doelgroepregister"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(regio__isnull=False) | models.Q(gemeente__isnull=False),
                name="doelgroepregister_regio_of_gemeente",
            ),
        ]

    def __str__(self):
        return f"{self.kwartaal} {self.gemeente or self.regio}: {self.personen}"

"""The client (kandidaat) and the one definition of its derived flags."""

from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce

from kandidaten.naamsortering import SLEUTEL_LENGTE, naam_sorteersleutel

from .reference import Gemeente, KlantVan


class Klantprofiel(models.TextChoices):
    JA = "J", "Ja"
    NEE = "N", "Nee"
    LEEG = "L", "Leeg"
    ONVOLLEDIG = "O", "Onvolledig"


class SonarStatus(models.TextChoices):
    OPEN = "open", "Open"
    GESLOTEN = "gesloten", "Gesloten"
    LEEG = "", "(leeg)"


LADDER_TREDEN = {
    1: "Geïsoleerd",
    2: "Sociale contacten buitenshuis",
    3: "Deelname aan georganiseerde activiteiten",
    4: "Onbetaald werk",
    5: "Betaald werk met ondersteuning",
    6: "Betaald werk",
}


def derive_flags(*, dgr, banenafspraak, beschut_werk, sonar_status, klantprofiel):
    """DOMAIN.md's derived flags, defined here and nowhere else.

    Returns (in_doelgroep_banenafspraak, telt_in_sonar, profiel_nodig).
    """
    in_doelgroep = bool(dgr) and (bool(banenafspraak) or bool(beschut_werk))
    telt_in_sonar = in_doelgroep and sonar_status == SonarStatus.OPEN
    profiel_nodig = telt_in_sonar and klantprofiel != Klantprofiel.JA
    return in_doelgroep, telt_in_sonar, profiel_nodig


def derive_klant_van(indicering, doelgroep_klant_van):
    """An explicit Indicering wins; otherwise the doelgroep table decides."""
    return indicering or doelgroep_klant_van or KlantVan.ONBEKEND


# The rules of the worklist and the counts per begeleider, each once: a queryset method filters on it, the
# counts per begeleider count with it (Count(filter=...)).
PROFIEL_NODIG = Q(profiel_nodig=True)
TELT_IN_SONAR = Q(telt_in_sonar=True)
MET_PROFIEL = Q(telt_in_sonar=True, klantprofiel=Klantprofiel.JA)  # counted in Sonar and a complete profile
# How the import history writes a flag that became true (importing.diff.display).
_JA = "ja"
# An empty Begeleider Compas as a value of the filters and URLs (begeleider=...): the text the pages show. A
# real Begeleider Compas spelled exactly so means the same: nobody.
GEEN_BEGELEIDER = "(geen begeleider)"


def opgeslagen_begeleider(naam):
    """The stored Begeleider Compas a filter value stands for ("" for GEEN_BEGELEIDER)."""
    return "" if naam == GEEN_BEGELEIDER else naam


class KandidaatQuerySet(models.QuerySet):
    def in_bron(self):
        """Clients in the latest snapshot: the only ones that count."""
        return self.filter(in_bron=True)

    def profiel_nodig(self):
        return self.filter(PROFIEL_NODIG)

    def telt_in_sonar(self):
        return self.filter(TELT_IN_SONAR)

    def van_begeleider(self, naam):
        """One begeleider's clients; GEEN_BEGELEIDER: those without one."""
        return self.filter(begeleider=opgeslagen_begeleider(naam))

    def met_nodig_sinds(self):
        """Annotate `nodig_sinds` (the date from which a client needs a profile) and `nodig_sinds_onbekend`
        (True when that is only the first import we have of them: it may have been longer).

        From the history: the latest import that made `profiel nodig` true, or brought the client back into
        the source while it was true (the same stretch the importer keeps in `profiel_nodig_sinds`). Its date
        is the date the export describes (the import's stand), else the import day. A client whose flags
        never changed needs it since their first import (its stand, else the stored import day). Only for
        clients who need a profile now.
        """
        from .imports import Import, KandidaatWijziging

        begin = KandidaatWijziging.objects.filter(
            kandidaat=OuterRef("pk"), veld__in=("profiel_nodig", "in_bron"), nieuw=_JA
        ).order_by("-datum", "-id")
        uit_geschiedenis = Subquery(begin.annotate(d=Coalesce("import_run__stand", "datum")).values("d")[:1])
        # Without a history row the stored date is the first import's day (the importer sets it then and keeps
        # it while the flag holds); that import's stand, when it has one, is the better date.
        # A scalar subquery, not a join: joined, SQLite read a 100,000-row export 0.8 s slower.
        eerste_stand = Subquery(Import.objects.filter(pk=OuterRef("eerste_import_id")).values("stand")[:1])
        eerste_import = Coalesce(eerste_stand, "profiel_nodig_sinds")
        return self.annotate(
            nodig_sinds=Case(
                When(PROFIEL_NODIG, then=Coalesce(uit_geschiedenis, eerste_import)), default=None,
                output_field=models.DateField(),
            ),
            nodig_sinds_onbekend=Case(
                When(PROFIEL_NODIG, then=~Exists(begin)), default=False, output_field=models.BooleanField()
            ),
        )


class Kandidaat(models.Model):
    pers_nr = models.CharField("Pers. nr.", max_length=50, help_text="Zoals de laatste import het schreef.")
    pers_nr_sleutel = models.CharField(max_length=50, unique=True, editable=False)
    # No index of its own: the list index below starts with gemeente and answers every lookup by it.
    gemeente = models.ForeignKey(
        Gemeente, on_delete=models.PROTECT, related_name="kandidaten", verbose_name="Bet. gemeente",
        db_index=False,
    )
    gemeente_in_bron = models.CharField(
        "gemeente zoals geëxporteerd", max_length=100, blank=True,
        help_text="De tekst uit het bestand; van belang als de gemeente onbekend is.",
    )
    naam = models.CharField(max_length=200)
    # Dutch name order (kandidaten/naamsortering.py): every list sorts a name on this, never on `naam`. Set by
    # save() and by the importer for every client it writes (importing.diff._finish_columns).
    naam_sortering = models.CharField(max_length=SLEUTEL_LENGTE, editable=False, default="")
    doelgroep = models.CharField(max_length=100, blank=True)
    dgr = models.BooleanField("DGR", default=False)
    banenafspraak = models.BooleanField("Sonar - Banenafspraken", default=False)
    sonar_status = models.CharField(
        "Sonar - Status", max_length=10, choices=SonarStatus.choices, blank=True
    )
    klantprofiel = models.CharField(
        "Sonar - Klantprofiel", max_length=1, choices=Klantprofiel.choices, default=Klantprofiel.LEEG
    )
    participatieladder = models.CharField(
        "Sonar - Participatieladder", max_length=40, blank=True,
        help_text='Genormaliseerd, bijvoorbeeld "04 met groeipotentieel"; leeg = onbekend.',
    )
    ladder_trede = models.PositiveSmallIntegerField("trede", null=True, blank=True)
    ladder_groeipotentieel = models.BooleanField("groeipotentieel", null=True, blank=True)
    dv_laatste_soort = models.CharField("Sonar - DV Laatste Soort", max_length=200, blank=True)
    begeleider = models.CharField("Begeleider Compas", max_length=200, blank=True)
    indicering = models.CharField(
        "Indicering", max_length=10, choices=KlantVan.choices, blank=True,
        help_text="Uit de kolom Indicering; leeg als het bestand die kolom niet had.",
    )
    beschut_werk = models.BooleanField("Beschut werk", default=False)

    # Derived (see derive_flags / derive_klant_van); stored so lists filter on an index.
    klant_van = models.CharField("klant van", max_length=10, choices=KlantVan.choices, blank=True)
    in_doelgroep_banenafspraak = models.BooleanField("in doelgroep banenafspraak", default=False)
    telt_in_sonar = models.BooleanField("telt mee in Sonar", default=False)
    profiel_nodig = models.BooleanField("profiel nodig", default=False)
    profiel_nodig_sinds = models.DateField(
        "profiel nodig sinds", null=True, blank=True,
        help_text="Datum van de import waarmee de kandidaat een profiel nodig kreeg.",
    )

    # Snapshot bookkeeping.
    in_bron = models.BooleanField("in bron", default=True)
    niet_in_bron_sinds = models.DateField("niet meer in bron sinds", null=True, blank=True)
    # Not indexed: nothing looks clients up by import (an import record is never deleted), and an index
    # would be rewritten for every row an import touches and rebuilt after a first load (0.1 s per 200k).
    eerste_import = models.ForeignKey(
        "kandidaten.Import", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    laatste_import = models.ForeignKey(
        "kandidaten.Import", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    # Hash of the raw cells of the last import that wrote this row: an unchanged row is recognised unparsed.
    bron_hash = models.CharField(max_length=16, blank=True, editable=False)
    bijgewerkt = models.DateTimeField(auto_now=True)

    objects = KandidaatQuerySet.as_manager()

    class Meta:
        verbose_name = "kandidaat"
        verbose_name_plural = "kandidaten"
        ordering = ["gemeente__naam", "pers_nr_sleutel"]
        permissions = [
            ("view_transparantie", "Kan het transparantierapport zien"),
            ("export_kandidaat", "Kan kandidatenlijsten exporteren"),
            ("view_bewaartermijn", "Kan zien wat de bewaartermijn verwijdert"),
        ]
        indexes = [
            # The order of the list's default sort (gemeente, naam, Pers. nr.), read per gemeente; the short
            # filter columns ride along, so counting or filtering on them reads this index, not the table
            # (grouped count of "status open, DGR" nationally 60 ms -> 15 ms).
            models.Index(fields=["gemeente", "in_bron", "naam_sortering", "pers_nr_sleutel", "dgr", "banenafspraak",
                                 "sonar_status", "klantprofiel", "klant_van", "profiel_nodig", "telt_in_sonar"]),
            models.Index(fields=["begeleider"]),
            # The order of the Acties sort (profiel nodig first, then by naam). Without in_bron: with it, SQLite
            # read the whole list through this index for an export (random reads, +0.3 s per 100,000 rows).
            models.Index(fields=["-profiel_nodig", "naam_sortering", "pers_nr_sleutel"]),
            # No index on klantprofiel or telt_in_sonar alone: SQLite fetched half the clients through such an
            # index and sorted them (a list sorted on begeleider: 100 ms) or read the table for the other
            # filters (140 ms), where the gemeente index above answers both from the index.
            models.Index(fields=["doelgroep"]),
            models.Index(fields=["naam_sortering"]),
        ]

    def __str__(self):
        return f"{self.pers_nr} {self.naam}"

    def save(self, *args, **kwargs):
        self.naam_sortering = naam_sorteersleutel(self.naam)
        if kwargs.get("update_fields") is not None and "naam" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "naam_sortering"}
        super().save(*args, **kwargs)

    def apply_derived_flags(self, doelgroep_klant_van=None):
        if doelgroep_klant_van is None:
            from kandidaten.keys import doelgroep_sleutel

            from .reference import Doelgroep

            doelgroep_klant_van = (
                Doelgroep.objects.filter(sleutel=doelgroep_sleutel(self.doelgroep))
                .values_list("klant_van", flat=True)
                .first()
            ) or ""
        self.in_doelgroep_banenafspraak, self.telt_in_sonar, self.profiel_nodig = derive_flags(
            dgr=self.dgr,
            banenafspraak=self.banenafspraak,
            beschut_werk=self.beschut_werk,
            sonar_status=self.sonar_status,
            klantprofiel=self.klantprofiel,
        )
        self.klant_van = derive_klant_van(self.indicering, doelgroep_klant_van)

"""The import record and the per-client change history it writes."""

import datetime
import re
import uuid
from pathlib import Path, PureWindowsPath

from django.conf import settings
from django.db import models
from django.utils import timezone


def upload_path(instance, filename):
    # The user's file name is never used as a path: it is kept in `bestandsnaam`.
    return f"imports/{instance.uuid}.upload"


# While a worker previews or applies an import it touches the import's heartbeat file this often
# (kandidaten.importing.background); an import "bezig" whose heartbeat is older than STIL_NA belongs to a
# process that is gone. A file, not a database write: on SQLite the import's own transaction holds the write
# lock, and every server process that can read the upload can read the file's time.
HARTSLAG_INTERVAL = datetime.timedelta(seconds=5)
STIL_NA = datetime.timedelta(seconds=60)
# An import waiting this long in the queue has not been picked up: the page says the worker may not run.
WACHTRIJ_TRAAG_NA = datetime.timedelta(minutes=2)

# Absolute paths (POSIX or Windows) in a message: only the last part is shown, never where the server keeps it.
_PAD = re.compile(r"""(?<![\w.])(?:[A-Za-z]:)?(?:[\\/][^\\/\s'"]+)+[\\/]([^\\/\s'"]+)""")


def zonder_paden(text, *full_names):
    for name in full_names:
        if name:
            text = text.replace(name, PureWindowsPath(name).name)
    return _PAD.sub(r"\1", text)


class Import(models.Model):
    class Status(models.TextChoices):
        GEUPLOAD = "geupload", "In de wachtrij"
        BEZIG = "bezig", "Bezig met lezen"
        VOORBEELD = "voorbeeld", "Voorbeeld klaar"
        BEVESTIGD = "bevestigd", "Bevestigd, in de wachtrij"
        TOEPASSEN = "toepassen", "Bezig met toepassen"
        TOEGEPAST = "toegepast", "Toegepast"
        GEWEIGERD = "geweigerd", "Geweigerd"
        MISLUKT = "mislukt", "Mislukt"
        ONGEWIJZIGD = "ongewijzigd", "Niets gewijzigd"
        GEANNULEERD = "geannuleerd", "Geannuleerd"
        AFGEBROKEN = "afgebroken", "Afgebroken"

    # Waiting for a worker; being worked on by one (heartbeat); done for good (files deleted).
    WACHTEND = (Status.GEUPLOAD, Status.BEVESTIGD)
    LOPEND = (Status.BEZIG, Status.TOEPASSEN)
    AFGESLOTEN = (Status.TOEGEPAST, Status.ONGEWIJZIGD, Status.GEANNULEERD, Status.MISLUKT, Status.AFGEBROKEN)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="imports"
    )
    gebruikersnaam = models.CharField(max_length=150, blank=True)
    aangemaakt = models.DateTimeField(auto_now_add=True)
    toegepast = models.DateTimeField(null=True, blank=True)
    # The date the export describes (its "stand"): what the transparency report files this import's state under.
    stand = models.DateField(
        null=True, blank=True, help_text="De datum waarop de export de stand beschrijft; leeg = de importdag."
    )
    bestandsnaam = models.CharField(max_length=255)
    bestand = models.FileField(upload_to=upload_path, blank=True)
    bestand_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    bestand_grootte = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.GEUPLOAD)
    melding = models.TextField(blank=True)
    # The preview per sheet (type, counts, field changes, warnings, first errors) as JSON.
    voorbeeld = models.JSONField(default=dict, blank=True)
    # Progress, written to the database by the planning (outside any transaction), so any server process can
    # report it; the short write transaction after it reports nothing of its own.
    rijen_gelezen = models.PositiveIntegerField(default=0)
    rijen_toegepast = models.PositiveIntegerField(default=0)
    rijen_totaal = models.PositiveIntegerField(default=0)
    # What the data looked like when the preview was made; a confirm is refused if it changed.
    data_versie = models.CharField(max_length=64, blank=True)
    # Who may see it (kandidaten.scoping.imports_voor): at upload the importing user's gemeenten, after a
    # preview or apply the gemeenten of the file's rows.
    gemeenten = models.ManyToManyField("kandidaten.Gemeente", blank=True, related_name="+")
    # The queued task's id (django.tasks), to tell a task that waits from one that is lost.
    taak_id = models.CharField(max_length=64, blank=True)
    wachtrij_sinds = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-aangemaakt"]
        verbose_name = "import"
        verbose_name_plural = "imports"

    def __str__(self):
        if not self.aangemaakt:
            return self.bestandsnaam
        return f"{self.bestandsnaam} ({timezone.localtime(self.aangemaakt):%d-%m-%Y %H:%M})"  # as the admin shows times

    def save(self, *args, **kwargs):
        """The user's file name, never a server path: the command line passes the path it was given."""
        name = PureWindowsPath(self.bestandsnaam).name  # both / and \ separate folders
        if name != self.bestandsnaam:
            self._volledige_naam = self.bestandsnaam
            self.bestandsnaam = name
        self.melding = zonder_paden(self.melding, getattr(self, "_volledige_naam", ""))
        super().save(*args, **kwargs)

    def bijbestand(self, suffix):
        """A file of this import beside its upload (error file, heartbeat): named by uuid, never by the user."""
        return Path(settings.MEDIA_ROOT) / "imports" / f"{self.uuid}.{suffix}"

    def wis_bestanden(self):
        """Delete every file of this import (upload, error file, heartbeat); the row stays.

        The hash, counts and preview summary are kept. Also for the retention job: old previews go this way."""
        for path in (Path(settings.MEDIA_ROOT) / "imports").glob(f"{self.uuid}.*"):
            path.unlink(missing_ok=True)
        if self.bestand:
            self.bestand = ""
            Import.objects.filter(pk=self.pk).update(bestand="")

    @property
    def heeft_bestand(self):
        return bool(self.bestand) and Path(self.bestand.path).exists()

    def hartslag_path(self):
        return self.bijbestand("hartslag")

    def geef_hartslag(self):
        target = self.hartslag_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch()

    def laatste_hartslag(self):
        try:
            stamp = self.hartslag_path().stat().st_mtime
        except OSError:
            return None
        return datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)

    def is_stil(self):
        """Being worked on, but no heartbeat for STIL_NA: the worker process that had it is gone."""
        last = self.laatste_hartslag()
        return self.status in self.LOPEND and (last is None or timezone.now() - last > STIL_NA)

    @classmethod
    def er_wordt_toegepast(cls):
        """Whether an import is writing right now (its transaction may hold SQLite's write lock)."""
        applying = cls.objects.filter(status=cls.Status.TOEPASSEN).only("uuid", "status")
        return any(not record.is_stil() for record in applying)

    @property
    def voortgang(self):
        """Rows read so far (planning runs outside any transaction and writes them here as it goes)."""
        return self.rijen_gelezen


class KandidaatWijziging(models.Model):
    """One field of one client changed by one import: the history behind trends per quarter."""

    kandidaat = models.ForeignKey("kandidaten.Kandidaat", on_delete=models.CASCADE, related_name="wijzigingen")
    import_run = models.ForeignKey(Import, on_delete=models.PROTECT, related_name="wijzigingen")
    datum = models.DateField()
    veld = models.CharField(max_length=50)
    oud = models.CharField(max_length=200, blank=True)
    nieuw = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-datum", "-id"]
        verbose_name = "wijziging van een kandidaat"
        verbose_name_plural = "wijzigingen van kandidaten"
        indexes = [models.Index(fields=["kandidaat", "datum"]), models.Index(fields=["veld", "datum"])]

    def __str__(self):
        return f"{self.kandidaat_id} {self.veld}: {self.oud} → {self.nieuw}"

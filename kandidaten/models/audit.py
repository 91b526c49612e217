"""The audit log: who saw or exported which personal data, and of which gemeenten. Append-only."""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Het auditlog kan niet worden gewijzigd.")

    def delete(self):
        raise PermissionError("Het auditlog kan niet worden verwijderd.")

    def verwijder_na_bewaartermijn(self, grens):
        """THE one way to delete audit records: those from before `grens` (the retention command's term).

        Deliberately not `delete()`, which stays refused everywhere else. Returns the number deleted."""
        return models.QuerySet.delete(self.filter(tijdstip__lt=grens))[0]


class AppendOnly(models.Model):
    """A row that is written once: saving it again or deleting it is refused, one by one or in bulk."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Het auditlog kan niet worden gewijzigd.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Het auditlog kan niet worden verwijderd.")


class AuditEvent(AppendOnly):
    class Actie(models.TextChoices):
        EXPORT = "export", "Export"
        KANDIDAAT_BEKEKEN = "kandidaat_bekeken", "Kandidaat bekeken"
        IMPORT = "import", "Import"
        GEWIJZIGD = "gewijzigd", "Gegevens gewijzigd"
        OPGESCHOOND = "opgeschoond", "Opgeschoond (bewaartermijn)"
        OPVOLGING = "opvolging", "Opvolging gewijzigd"

    tijdstip = models.DateTimeField(auto_now_add=True, db_index=True)
    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept as text too, so the log still says who after a user is deleted.
    gebruikersnaam = models.CharField(max_length=150)
    actie = models.CharField(max_length=30, choices=Actie.choices)
    omschrijving = models.CharField(max_length=300, help_text="Wat: de lijst, de kandidaat, het bestand.")
    aantal_rijen = models.PositiveIntegerField(null=True, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    pad = models.CharField(max_length=500, blank=True)
    # Who may read the record besides superusers: teamleiders and beheer of these gemeenten.
    gemeenten = models.ManyToManyField(
        "kandidaten.Gemeente", through="AuditGemeente", blank=True, related_name="+",
        help_text="De gemeenten van de kandidaten waar het om gaat.",
    )

    class Meta:
        ordering = ["-tijdstip"]
        verbose_name = "auditregel"
        verbose_name_plural = "auditlog"

    def __str__(self):
        # Local time, as the admin's columns show it (the stored time is UTC).
        return f"{timezone.localtime(self.tijdstip):%d-%m-%Y %H:%M} {self.gebruikersnaam} {self.get_actie_display()}"

    @classmethod
    def record(cls, request_or_user, actie, omschrijving, *, aantal_rijen=None, filters=None, pad="", gemeenten=()):
        """Write one record. `gemeenten`: the gemeenten (objects or pks) of the clients it concerns; a record
        without any is read by superusers only, so every caller that shows clients passes them."""
        user = getattr(request_or_user, "user", request_or_user)
        if not pad and hasattr(request_or_user, "get_full_path"):
            pad = request_or_user.get_full_path()[:500]
        gemeente_pks = sorted({getattr(gemeente, "pk", gemeente) for gemeente in gemeenten} - {None})
        with transaction.atomic():
            event = cls.objects.create(
                gebruiker=user if getattr(user, "pk", None) else None,
                gebruikersnaam=getattr(user, "username", "") or "(systeem)",
                actie=actie,
                omschrijving=omschrijving[:300],
                aantal_rijen=aantal_rijen,
                filters=filters or {},
                pad=pad,
            )
            AuditGemeente.objects.bulk_create([AuditGemeente(auditevent=event, gemeente_id=pk) for pk in gemeente_pks])
        return event


class AuditGemeente(AppendOnly):
    """One gemeente an audit record concerns. Append-only like the record.

    A row per gemeente rather than a list in the record: "the records of these gemeenten" is then one
    index range per gemeente (the unique constraint leads with the gemeente), on SQLite and PostgreSQL.
    """

    auditevent = models.ForeignKey(AuditEvent, on_delete=models.CASCADE, related_name="+")
    # PROTECT: a gemeente named in the audit log stays, or its records would lose their readers.
    gemeente = models.ForeignKey("kandidaten.Gemeente", on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        verbose_name = "gemeente van een auditregel"
        verbose_name_plural = "gemeenten van auditregels"
        constraints = [models.UniqueConstraint(fields=["gemeente", "auditevent"], name="auditgemeente_uniek")]

    def __str__(self):
        return f"{self.auditevent_id} → {self.gemeente_id}"

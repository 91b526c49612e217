"""The audit log: who saw or exported which personal data. Append-only."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Het auditlog kan niet worden gewijzigd.")

    def delete(self):
        raise PermissionError("Het auditlog kan niet worden verwijderd.")


class AuditEvent(models.Model):
    class Actie(models.TextChoices):
        EXPORT = "export", "Export"
        KANDIDAAT_BEKEKEN = "kandidaat_bekeken", "Kandidaat bekeken"
        IMPORT = "import", "Import"
        GEWIJZIGD = "gewijzigd", "Gegevens gewijzigd"

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

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-tijdstip"]
        verbose_name = "auditregel"
        verbose_name_plural = "auditlog"

    def __str__(self):
        # Local time, as the admin's columns show it (the stored time is UTC).
        return f"{timezone.localtime(self.tijdstip):%d-%m-%Y %H:%M} {self.gebruikersnaam} {self.get_actie_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Het auditlog kan niet worden gewijzigd.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Het auditlog kan niet worden verwijderd.")

    @classmethod
    def record(cls, request_or_user, actie, omschrijving, *, aantal_rijen=None, filters=None, pad=""):
        user = getattr(request_or_user, "user", request_or_user)
        if not pad and hasattr(request_or_user, "get_full_path"):
            pad = request_or_user.get_full_path()[:500]
        return cls.objects.create(
            gebruiker=user if getattr(user, "pk", None) else None,
            gebruikersnaam=getattr(user, "username", "") or "(systeem)",
            actie=actie,
            omschrijving=omschrijving[:300],
            aantal_rijen=aantal_rijen,
            filters=filters or {},
            pad=pad,
        )

"""The follow-up of a client who needs a profile: ours, not the source's (docs/team.md).

The importer never writes these tables. A follow-up is kept across imports and is closed (deleted, with a line
in its history) only when an import shows klantprofiel J (`services.opvolging.sluit_bij_profiel`). Every change
is also an AuditEvent that names the client's gemeente.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class OpvolgingStatus(models.TextChoices):
    OPEN = "open", "Open"
    CONTACT = "contact", "Contact gelegd"
    AFSPRAAK = "afspraak", "Afspraak gepland"
    AANGEVRAAGD = "aangevraagd", "Profiel aangevraagd"
    NIET_MOGELIJK = "niet_mogelijk", "Niet mogelijk"


# The history also knows the system's own closing, which no user can choose.
AFGESLOTEN = "afgesloten"
AFGESLOTEN_LABEL = "Afgesloten: klantprofiel J"


def status_q(status, prefix=""):
    """THE condition "a client's follow-up has this status", on clients (prefix "" ) or on rows that reach the
    client through `prefix` (e.g. "kandidaat__"). A client without a follow-up row is open: the worklist's
    filter and the team overview's counts both use this."""
    veld = f"{prefix}opvolging__status"
    if status == OpvolgingStatus.OPEN:
        return Q(**{f"{prefix}opvolging__isnull": True}) | Q(**{veld: OpvolgingStatus.OPEN})
    return Q(**{veld: status})


class Opvolging(models.Model):
    """The current follow-up of one client: status, a reason when it is not possible, a short note, the date."""

    kandidaat = models.OneToOneField(
        "kandidaten.Kandidaat", on_delete=models.CASCADE, primary_key=True, related_name="opvolging"
    )
    status = models.CharField(max_length=20, choices=OpvolgingStatus.choices, default=OpvolgingStatus.OPEN)
    reden = models.CharField("reden", max_length=200, blank=True, help_text="Waarom het niet mogelijk is.")
    notitie = models.CharField("notitie", max_length=500, blank=True)
    datum = models.DateField("datum", help_text="De datum van deze stand (contact, afspraak, aanvraag).")
    gewijzigd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    gewijzigd_door_naam = models.CharField(max_length=150, blank=True)  # kept when the user is deleted
    gewijzigd = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "opvolging"
        verbose_name_plural = "opvolgingen"
        permissions = [
            ("view_teamoverzicht", "Kan het teamoverzicht zien"),
            ("opvolgen_voor_team", "Kan de opvolging zetten voor kandidaten van elke begeleider in de eigen gemeenten"),
        ]

    def __str__(self):
        return f"{self.kandidaat_id}: {self.get_status_display()}"


class OpvolgingWijziging(models.Model):
    """One change of a client's follow-up: who, when, what it became. Deleted with the client (retention)."""

    kandidaat = models.ForeignKey(
        "kandidaten.Kandidaat", on_delete=models.CASCADE, related_name="opvolgingswijzigingen"
    )
    status = models.CharField(max_length=20)  # an OpvolgingStatus, or AFGESLOTEN (by an import)
    reden = models.CharField(max_length=200, blank=True)
    notitie = models.CharField(max_length=500, blank=True)
    datum = models.DateField()
    door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    door_naam = models.CharField(max_length=150, blank=True)
    import_run = models.ForeignKey(
        "kandidaten.Import", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="De import die de opvolging afsloot (klantprofiel J).",
    )
    tijdstip = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-tijdstip", "-id"]
        verbose_name = "wijziging van een opvolging"
        verbose_name_plural = "wijzigingen van opvolgingen"

    def __str__(self):
        return f"{self.kandidaat_id} {self.status} ({self.door_naam})"

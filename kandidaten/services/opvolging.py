"""The follow-up of the profile worklist: who may set it, setting it, and closing it when an import shows
klantprofiel J (docs/team.md).

A follow-up is ours, not the source's: the importer never writes it, so it stays across imports, and the one
thing an import does to it is `sluit_bij_profiel`, called in the import's apply transaction. Every change writes
a line in the client's follow-up history (who, when) and an audit record naming the client's gemeente. The audit
record carries the status only: the reason and note stay with the client, whose retention term is shorter than
the audit log's.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kandidaten.models import AuditEvent, Klantprofiel, Opvolging, OpvolgingStatus, OpvolgingWijziging
from kandidaten.models.opvolging import AFGESLOTEN


def mag_opvolgen(user, kandidaat):
    """Whether `user` may set the follow-up of `kandidaat`, a client of her scope (callers find it through
    `scoping`: another gemeente's client does not exist for her).

    Her own clients (Begeleider Compas = her begeleider_naam) with `change_opvolging` (every role); any client in
    scope with `opvolgen_voor_team` (teamleiders; superusers have every permission). A medewerker does not set it for
    a colleague's client: the status is that begeleider's word on her own work, which the team overview adds up;
    the teamleider redistributes or covers (docs/team.md)."""
    if not user.has_perm("kandidaten.change_opvolging"):
        return False
    if user.has_perm("kandidaten.opvolgen_voor_team"):
        return True
    return bool(user.begeleider_naam) and kandidaat.begeleider == user.begeleider_naam


@dataclass(frozen=True)
class Stand:
    """What a user sets: the status, a reason (only with "niet mogelijk"), a short note, the date."""

    status: str
    datum: datetime.date
    reden: str = ""
    notitie: str = ""

    def __post_init__(self):
        if self.status != OpvolgingStatus.NIET_MOGELIJK:
            object.__setattr__(self, "reden", "")  # a reason belongs to "niet mogelijk" only

    @classmethod
    def van(cls, opvolging):
        return cls(opvolging.status, opvolging.datum, opvolging.reden, opvolging.notitie)


def huidige(kandidaat):
    """The client's follow-up row, or None (open: nothing set yet)."""
    try:
        return kandidaat.opvolging
    except Opvolging.DoesNotExist:
        return None


def zet(request, kandidaat, stand):
    """Set the client's follow-up to `stand`: the row, a line in its history, an audit record naming its gemeente,
    in one transaction. Returns False (and writes nothing) when nothing changed."""
    bestaand = huidige(kandidaat)
    if bestaand is not None and Stand.van(bestaand) == stand:
        return False
    user = request.user
    with transaction.atomic():
        opvolging, _nieuw = Opvolging.objects.update_or_create(kandidaat=kandidaat, defaults={
            "status": stand.status, "reden": stand.reden, "notitie": stand.notitie, "datum": stand.datum,
            "gewijzigd_door": user, "gewijzigd_door_naam": user.username,
        })
        OpvolgingWijziging.objects.create(
            kandidaat=kandidaat, status=stand.status, reden=stand.reden, notitie=stand.notitie, datum=stand.datum,
            door=user, door_naam=user.username,
        )
        AuditEvent.record(
            request, AuditEvent.Actie.OPVOLGING,
            f"Opvolging kandidaat {kandidaat.pers_nr} ({kandidaat.pk}): {OpvolgingStatus(stand.status).label}",
            filters={"status": stand.status, "datum": stand.datum.isoformat()}, gemeenten=[kandidaat.gemeente_id],
        )
    kandidaat.opvolging = opvolging
    return True


def geschiedenis(kandidaat, limit=50):
    return list(OpvolgingWijziging.objects.filter(kandidaat=kandidaat).order_by("-tijdstip", "-id")[:limit])


def sluit_bij_profiel(import_record, gemeenten):
    """Close the follow-ups of the clients with klantprofiel J in `gemeenten` (those whose clients the import
    changed): the row goes, the history gets a line naming the import, one audit record names the gemeenten.

    Called in the import's apply transaction, beside the transparency state (`importing.pipeline`); a
    re-import that keeps klantprofiel N leaves every follow-up as it was. Returns the number closed."""
    te_sluiten = Opvolging.objects.filter(kandidaat__gemeente_id__in=gemeenten, kandidaat__klantprofiel=Klantprofiel.JA)
    gesloten = list(te_sluiten.values_list("kandidaat_id", "kandidaat__gemeente_id"))
    if not gesloten:
        return 0
    datum = import_record.stand or timezone.localdate()
    OpvolgingWijziging.objects.bulk_create([
        OpvolgingWijziging(kandidaat_id=pk, status=AFGESLOTEN, datum=datum, door_naam=import_record.gebruikersnaam,
                           import_run=import_record)
        for pk, _gemeente in gesloten
    ])
    te_sluiten.delete()
    AuditEvent.record(
        import_record.gebruiker, AuditEvent.Actie.OPVOLGING,
        f"Opvolging afgesloten door import {import_record.bestandsnaam}: klantprofiel J bij {len(gesloten)} "
        f"{'kandidaat' if len(gesloten) == 1 else 'kandidaten'}",
        aantal_rijen=len(gesloten), filters={"import": import_record.pk},
        gemeenten={gemeente for _pk, gemeente in gesloten},
    )
    return len(gesloten)

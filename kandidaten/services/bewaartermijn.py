"""Retention ("bewaartermijn", AVG storage limitation): what `manage.py opschonen` deletes (docs/bewaartermijn.md).

- Clients no longer in the source for more than `BEWAARTERMIJN_MAANDEN` calendar months, with their trajecten,
  modules, plaatsingen, change history and follow-up (with its history; counted with the client); items no
  longer in the source for more than that term are deleted too, also when their client is still in the source.
- Uploaded files and error files of imports older than `IMPORT_BESTANDEN_DAGEN` days (the Import row stays,
  with its hash and summary).
- Audit records older than `AUDIT_BEWAARTERMIJN_MAANDEN` calendar months.

"More than N months" uses the panel's calendar months (`selectors.signalen.add_months`): a record dated d goes
once d + N months lies before the peildatum, so one gone exactly N months ago stays. The beheer page
(`voorbeeld`) and the command count with the very querysets the command deletes.
"""

import datetime
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from kandidaten.importing import lock_imports
from kandidaten.models import (
    AuditEvent,
    Datastand,
    Import,
    KandidaatWijziging,
    Module,
    Opvolging,
    OpvolgingWijziging,
    Plaatsing,
    Traject,
)
from kandidaten.scoping import items_voor, kandidaten_voor
from kandidaten.selectors.audit import begin_van_dag
from kandidaten.selectors.signalen import SYSTEEM, add_months

# The order of `--json` and of the beheer page.
SOORTEN = ("kandidaten", "trajecten", "modules", "plaatsingen", "wijzigingen", "bestanden", "auditregels")
ITEMS = {"trajecten": Traject, "modules": Module, "plaatsingen": Plaatsing}
# Imports whose files a worker may be using right now.
BEZIG = Import.WACHTEND + Import.LOPEND  # queued or being worked on: a worker is about to read its upload
VERLOPEN = (
    "Verlopen: dit voorbeeld is niet binnen de bewaartermijn bevestigd; het bestand is verwijderd en er is niets "
    "gewijzigd. Upload het bestand opnieuw om het alsnog te importeren."
)


def eerste_bewaarde_dag(peildatum, maanden):
    """The earliest date d that is not more than `maanden` calendar months before `peildatum`:
    d + maanden months >= peildatum. Everything dated before it has passed its term.

    15-06-2026, 24 months -> 15-06-2024 (a client gone on 15-06-2024 stays, one gone on 14-06-2024 goes).
    31-08-2026, 6 months -> 01-03-2026: 28-02 + 6 months = 28-08, which lies before 31-08.
    """
    grens = add_months(peildatum, -maanden)
    if add_months(grens, maanden) < peildatum:  # the peildatum's day does not exist in that month
        grens += datetime.timedelta(days=1)
    return grens


@dataclass(frozen=True)
class Termijnen:
    peildatum: datetime.date  # "today", or a later date to plan with
    maanden: int
    bestanden_dagen: int
    audit_maanden: int

    @classmethod
    def uit_instellingen(cls, peildatum=None, maanden=None):
        return cls(
            peildatum=peildatum or timezone.localdate(),
            maanden=settings.BEWAARTERMIJN_MAANDEN if maanden is None else maanden,
            bestanden_dagen=settings.IMPORT_BESTANDEN_DAGEN,
            audit_maanden=settings.AUDIT_BEWAARTERMIJN_MAANDEN,
        )

    @property
    def grens_bron(self):
        """Clients and items no longer in the source since before this date are deleted."""
        return eerste_bewaarde_dag(self.peildatum, self.maanden)

    @property
    def grens_bestanden(self):
        """Files of imports made before this date are deleted (exactly `bestanden_dagen` days old stays)."""
        return self.peildatum - datetime.timedelta(days=self.bestanden_dagen)

    @property
    def grens_audit(self):
        return eerste_bewaarde_dag(self.peildatum, self.audit_maanden)

    def als_dict(self):
        return {
            "peildatum": self.peildatum.isoformat(),
            "maanden": self.maanden,
            "bestanden_dagen": self.bestanden_dagen,
            "audit_maanden": self.audit_maanden,
        }


# --- what goes ------------------------------------------------------------------------------------


def te_verwijderen_kandidaten(termijnen, user=SYSTEEM):
    return kandidaten_voor(user).filter(in_bron=False, niet_in_bron_sinds__lt=termijnen.grens_bron)


def te_verwijderen_items(soort, termijnen, user=SYSTEEM):
    """Items of the clients that go, and items no longer in the source for longer than the term."""
    van_kandidaten = Q(kandidaat_id__in=te_verwijderen_kandidaten(termijnen, user).values("pk"))
    zelf_verlopen = Q(in_bron=False, niet_in_bron_sinds__lt=termijnen.grens_bron)
    return items_voor(user, ITEMS[soort]).filter(van_kandidaten | zelf_verlopen)


def te_verwijderen_wijzigingen(termijnen, user=SYSTEEM):
    return KandidaatWijziging.objects.filter(
        kandidaat_id__in=te_verwijderen_kandidaten(termijnen, user).values("pk")
    )


def te_verwijderen_auditregels(termijnen):
    return AuditEvent.objects.filter(tijdstip__lt=begin_van_dag(termijnen.grens_audit))


def te_verwijderen_bestanden(termijnen):
    """[(path, Import or None)]: the files beside imports made before the term (upload, error file, progress),
    except of an import that is being read or applied, and files in the imports folder that belong to no
    import and were last written before the term."""
    map_ = Path(settings.MEDIA_ROOT) / "imports"
    if not map_.is_dir():
        return []
    grens = begin_van_dag(termijnen.grens_bestanden)
    paden = sorted(pad for pad in map_.iterdir() if pad.is_file())
    per_uuid = {str(record.uuid): record for record in Import.objects.filter(uuid__in=_uuids(paden))}
    gevonden = []
    for pad in paden:
        record = per_uuid.get(pad.name.split(".", 1)[0])
        if record is not None and record.status in BEZIG:
            continue  # being read or applied (an old preview confirmed just now): the next run decides
        if record is not None:
            verlopen = record.aangemaakt < grens
        else:
            verlopen = datetime.datetime.fromtimestamp(pad.stat().st_mtime, tz=datetime.UTC) < grens
        if verlopen:
            gevonden.append((pad, record))
    return gevonden


def _uuids(paden):
    found = []
    for pad in paden:
        try:
            found.append(uuid.UUID(pad.name.split(".", 1)[0]))
        except ValueError:
            continue  # not an import's file: judged by its age alone
    return found


# --- the preview (beheer's page, --dry-run) ----------------------------------------------------------


@dataclass(frozen=True)
class Regel:
    soort: str
    aantal: int
    oudste: datetime.date | None  # the oldest date that makes a record of this kind go


def _regel(soort, queryset, datumveld):
    result = queryset.aggregate(aantal=Count("pk"), oudste=Min(datumveld))
    oudste = result["oudste"]
    if isinstance(oudste, datetime.datetime):
        oudste = timezone.localdate(oudste)
    return Regel(soort, result["aantal"], oudste)


def voorbeeld(termijnen, user=SYSTEEM):
    """{soort: Regel} of what a run at `termijnen` would delete. Clients, items and history in the user's
    scope; files and audit records are the installation's (they belong to no gemeente)."""
    regels = {"kandidaten": _regel("kandidaten", te_verwijderen_kandidaten(termijnen, user), "niet_in_bron_sinds")}
    for soort in ITEMS:
        regels[soort] = _regel(soort, te_verwijderen_items(soort, termijnen, user), "niet_in_bron_sinds")
    regels["wijzigingen"] = _regel("wijzigingen", te_verwijderen_wijzigingen(termijnen, user), "datum")
    bestanden = te_verwijderen_bestanden(termijnen)
    aangemaakt = [timezone.localdate(record.aangemaakt) for _pad, record in bestanden if record is not None]
    regels["bestanden"] = Regel("bestanden", len(bestanden), min(aangemaakt, default=None))
    regels["auditregels"] = _regel("auditregels", te_verwijderen_auditregels(termijnen), "tijdstip")
    return {soort: regels[soort] for soort in SOORTEN}


def aantallen(regels):
    return {soort: regels[soort].aantal for soort in SOORTEN}


# --- the run ------------------------------------------------------------------------------------------


def opschonen(termijnen):
    """Delete what has passed its term; returns {soort: aantal} in SOORTEN order and records the run in the
    audit log (after the purge, so that record is never purged by its own run)."""
    with transaction.atomic():
        lock_imports()  # an import marking a client "back in the source" meanwhile must not lose it
        verwijderd = _verwijder_gegevens(termijnen)
        if any(verwijderd.values()):
            Datastand.verhoog()  # the data changed: stored panel counts and open previews are stale
        verwijderd["auditregels"] = AuditEvent.objects.verwijder_na_bewaartermijn(
            begin_van_dag(termijnen.grens_audit)
        )
    # Files after the commit: a rolled-back purge must not have removed any.
    verwijderd["bestanden"] = _verwijder_bestanden(termijnen)
    verwijderd = {soort: verwijderd[soort] for soort in SOORTEN}
    AuditEvent.record(
        None, AuditEvent.Actie.OPGESCHOOND, "Bewaartermijn: " + beschrijving(verwijderd),
        aantal_rijen=sum(verwijderd.values()), filters={**termijnen.als_dict(), "verwijderd": verwijderd},
        pad="manage.py opschonen",
    )
    return verwijderd


def _verwijder_gegevens(termijnen):
    """Items first (they PROTECT their client), then the histories and the follow-up, then the clients: one
    transaction."""
    kandidaten = te_verwijderen_kandidaten(termijnen)
    verwijderd = {"modules": _verwijder(te_verwijderen_items("modules", termijnen))}
    trajecten = te_verwijderen_items("trajecten", termijnen)
    # A module still in the source may name a traject that goes: it loses the link, as on_delete=SET_NULL says.
    Module.objects.filter(traject_id__in=trajecten.values("pk")).update(traject=None)
    verwijderd["trajecten"] = _verwijder(trajecten)
    verwijderd["plaatsingen"] = _verwijder(te_verwijderen_items("plaatsingen", termijnen))
    verwijderd["wijzigingen"] = _verwijder(te_verwijderen_wijzigingen(termijnen))
    # The follow-up (ours, not the source's) and its history go with the client; counted as part of the client.
    for model in (OpvolgingWijziging, Opvolging):
        _verwijder(model.objects.filter(kandidaat_id__in=kandidaten.values("pk")))
    verwijderd["kandidaten"] = _verwijder(kandidaten)
    return verwijderd


def _verwijder(queryset):
    """DELETE the queryset's rows in one statement: no rows loaded into Python, and no post_delete signal
    per row (the admin's receivers would raise the data generation once for every record)."""
    model = queryset.model
    select, params = queryset.order_by().values("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} IN ({select})", params
        )
        return cursor.rowcount


def _verwijder_bestanden(termijnen):
    """Delete the files past their term; an import's row stays (hash, counts, summary), a preview that was never
    confirmed ends as cancelled (without its file it can no longer be confirmed)."""
    bestanden = te_verwijderen_bestanden(termijnen)
    records = {record.pk: record for _pad, record in bestanden if record is not None}
    for pad, record in bestanden:
        if record is None:
            pad.unlink(missing_ok=True)
    for record in records.values():
        record.wis_bestanden()
        Import.objects.filter(pk=record.pk, status=Import.Status.VOORBEELD).update(
            status=Import.Status.GEANNULEERD, melding=VERLOPEN
        )
    return len(bestanden)


NAMEN = {
    "kandidaten": ("kandidaat", "kandidaten"),
    "trajecten": ("traject", "trajecten"),
    "modules": ("module", "modules"),
    "plaatsingen": ("plaatsing", "plaatsingen"),
    "wijzigingen": ("wijziging", "wijzigingen"),
    "bestanden": ("bestand", "bestanden"),
    "auditregels": ("auditregel", "auditregels"),
}


def beschrijving(aantallen_per_soort):
    """ "3 kandidaten, 1 traject, 0 modules, …" in SOORTEN order."""
    delen = []
    for soort in SOORTEN:
        aantal = aantallen_per_soort[soort]
        enkel, meer = NAMEN[soort]
        delen.append(f"{aantal} {enkel if aantal == 1 else meer}")
    return ", ".join(delen)

"""The signal panel's stored counts: read them, count what is missing, store it (docs/overzicht.md); the same
for the team overview's counts per begeleider (docs/team.md).

The counting itself is `selectors.signalen` and `selectors.team` (read-only); this is the one place that writes
PaneelTelling and TeamTelling rows. The panel, the drill-down's count, the team overview, the `signalen` command
and the importer's counting ahead call these functions.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.utils import timezone

from kandidaten.models import Datastand, Import, PaneelTelling, TeamTelling
from kandidaten.scoping import Scope
from kandidaten.selectors import signalen, team

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Soort:
    """A kind of stored counts per gemeente: where they are kept, how they are counted, and a gemeente's counts
    when it has nothing to count."""

    model: type
    tel: Callable  # (scope, peildatum, gemeente pks or None for the whole scope) -> {gemeente_id: counts}
    leeg: Callable


PANEEL = Soort(PaneelTelling, signalen.tel_per_gemeente, signalen.nul_tellingen)
TEAM = Soort(TeamTelling, team.tel_per_gemeente, dict)  # a gemeente without clients has no begeleider


def per_gemeente(scope, peildatum, gemeente=None, soort=PANEEL):
    """{gemeente_id: counts} for every gemeente in scope (or only `gemeente`): the panel's 17 counters
    {groep: {teller: aantal}}, or with `soort=TEAM` the team overview's counts per begeleider.

    Read from the counts stored for the current data generation when there are any; counted now and
    stored for the gemeenten that have none. Two queries when everything is stored.
    """
    scope = Scope.van(scope)
    in_scope = scope.gemeente_ids if gemeente is None else [pk for pk in scope.gemeente_ids if pk == gemeente]
    gevraagd = None if scope.alles and gemeente is None else in_scope
    gevonden = signalen.bewaarde_tellingen(peildatum, gevraagd, soort.model)
    ontbrekend = [pk for pk in in_scope if pk not in gevonden]
    if ontbrekend:
        # The generation is read before counting: a change committed meanwhile makes these counts stale
        # (never read), never wrong under a current generation.
        generatie = Datastand.huidige()
        heel_land = scope.alles and len(ontbrekend) == len(in_scope) and gemeente is None
        geteld = soort.tel(scope, peildatum, None if heel_land else ontbrekend)
        geteld = {pk: geteld.get(pk) or soort.leeg() for pk in ontbrekend}  # zeros are counts too
        _bewaar(soort.model, peildatum, generatie, geteld)
        gevonden.update(geteld)
    return gevonden


def _bewaar(model, peildatum, generatie, geteld):
    """Store counts; best effort: a page never fails or waits because they could not be stored."""
    if Import.er_wordt_toegepast():
        return  # an import is writing: its data generation is about to change, and SQLite would wait for it
    rijen = [
        model(peildatum=peildatum, generatie=generatie, gemeente_id=pk, tellingen=tellingen)
        for pk, tellingen in geteld.items()
    ]
    try:
        with transaction.atomic():
            model.objects.bulk_create(rijen, ignore_conflicts=True)
            # Counts of an older generation are never read again.
            model.objects.filter(generatie__lt=generatie).delete()
    except DatabaseError:
        logger.warning("%s voor %s niet bewaard", model._meta.verbose_name_plural, peildatum, exc_info=True)


def tel_vooruit(peildatum):
    """Count and store the whole country's panel counters and team counts at `peildatum`, so the next visitor
    of the panel or the team overview reads them instead of waiting for the count (nationally seconds)."""
    per_gemeente(signalen.SYSTEEM, peildatum)
    per_gemeente(signalen.SYSTEEM, peildatum, soort=TEAM)


def tel_vooruit_na_import(outcome):
    """After an import that changed data: today's counts counted ahead. Called by whoever ran the import (the
    worker's task, `importeer`) once it is shown as applied; a failure here only means the first visitor counts."""
    if outcome is None or not outcome.changed_anything:
        return
    try:
        tel_vooruit(timezone.localdate())
    except Exception:
        logger.exception("Tellingen na import %s niet vooruit geteld", getattr(outcome.import_record, "pk", None))


def aantallen(scope, peildatum, vernauwing=None):
    """{groep: {teller: aantal}}: from the stored counts, or counted now when narrowed by begeleider or
    uitvoerende (stored counts are per gemeente only)."""
    vernauwing = vernauwing or signalen.Vernauwing()
    if signalen.kan_bewaard(vernauwing):
        return signalen.som(per_gemeente(scope, peildatum, vernauwing.gemeente))
    return signalen.tel_nu(scope, peildatum, vernauwing)


def paneel(scope, peildatum, vernauwing=None):
    """All 17 counters: [(Groep, [Telling, ...]), ...] in the panel's order (two queries when stored,
    three when narrowed; the first request after a change counts)."""
    return signalen.tellingen(aantallen(scope, peildatum, vernauwing))


def aantal(scope, groep_slug, teller_slug, peildatum, vernauwing=None):
    """The number of one counter: the very number the panel shows (the drill-down's count)."""
    vernauwing = vernauwing or signalen.Vernauwing()
    if signalen.kan_bewaard(vernauwing):
        return signalen.som(per_gemeente(scope, peildatum, vernauwing.gemeente))[groep_slug][teller_slug]
    return signalen.signaal_items(scope, groep_slug, teller_slug, peildatum, vernauwing).count()

"""The signal panel's stored counts: read them, count what is missing, store it (docs/overzicht.md).

The counting itself is `selectors.signalen` (read-only); this is the one place that writes PaneelTelling
rows. The panel, the drill-down's count, the `signalen` command and the importer's counting ahead call
these functions.
"""

import logging

from django.db import DatabaseError, transaction

from kandidaten.models import Datastand, Import, PaneelTelling
from kandidaten.scoping import Scope
from kandidaten.selectors import signalen

logger = logging.getLogger(__name__)


def per_gemeente(scope, peildatum, gemeente=None):
    """{gemeente_id: {groep: {teller: aantal}}} for every gemeente in scope (or only `gemeente`).

    Read from the counts stored for the current data generation when there are any; counted now and
    stored for the gemeenten that have none. Two queries when everything is stored.
    """
    scope = Scope.van(scope)
    in_scope = scope.gemeente_ids if gemeente is None else [pk for pk in scope.gemeente_ids if pk == gemeente]
    gevraagd = None if scope.alles and gemeente is None else in_scope
    gevonden = signalen.bewaarde_tellingen(scope, peildatum, gevraagd)
    ontbrekend = [pk for pk in in_scope if pk not in gevonden]
    if ontbrekend:
        # The generation is read before counting: a change committed meanwhile makes these counts stale
        # (never read), never wrong under a current generation.
        generatie = Datastand.huidige()
        heel_land = scope.alles and len(ontbrekend) == len(in_scope) and gemeente is None
        geteld = signalen.tel_per_gemeente(scope, peildatum, None if heel_land else ontbrekend)
        geteld = {pk: geteld.get(pk) or signalen.nul_tellingen() for pk in ontbrekend}  # zeros are counts too
        _bewaar(peildatum, generatie, geteld)
        gevonden.update(geteld)
    return gevonden


def _bewaar(peildatum, generatie, geteld):
    """Store counts; best effort: a page never fails or waits because they could not be stored."""
    if Import.er_wordt_toegepast():
        return  # an import is writing: its data generation is about to change, and SQLite would wait for it
    rijen = [
        PaneelTelling(peildatum=peildatum, generatie=generatie, gemeente_id=pk, tellingen=tellingen)
        for pk, tellingen in geteld.items()
    ]
    try:
        with transaction.atomic():
            PaneelTelling.objects.bulk_create(rijen, ignore_conflicts=True)
            # Counts of an older generation are never read again.
            PaneelTelling.objects.filter(generatie__lt=generatie).delete()
    except DatabaseError:
        logger.warning("Paneeltellingen voor %s niet bewaard", peildatum, exc_info=True)


def tel_vooruit(peildatum):
    """Count and store the whole country's counters at `peildatum`: after an import, so the next visitor
    of the panel reads them instead of waiting for the count."""
    per_gemeente(signalen.SYSTEEM, peildatum)


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

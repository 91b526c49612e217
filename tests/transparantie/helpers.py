"""Reading the report in tests: rows by name, cells as a tuple."""

from kandidaten.models import Gemeente
from kandidaten.selectors import transparantie


def rapport(datum, gemeenten=None, **filters):
    return transparantie.rapport(gemeenten if gemeenten is not None else Gemeente.objects.all(), datum, **filters)


def cellen(rij):
    """(gemeente profiel, gemeente geen profiel, UWV profiel, UWV geen profiel, totaal in Sonar)."""
    a = rij.aantallen
    return (a.gemeente_profiel, a.gemeente_geen_profiel, a.uwv_profiel, a.uwv_geen_profiel, a.totaal)


def rij(uitkomst, gemeente):
    """The row named `gemeente` ("Epe", "Totaal AMR", "Onbekend", "Totaal"); None when absent."""
    return next((r for r in uitkomst.rijen if r.gemeente == gemeente), None)


def tabel(uitkomst):
    return {r.gemeente: cellen(r) for r in uitkomst.rijen}


def opgeslagen(stand, gemeente_naam, gp=0, gg=0, up=0, ug=0, op=0, og=0, bron="import"):
    """A stored state as leg_stand_vast writes it: for page tests that need numbers, not an import."""
    from kandidaten.models import TransparantieTelling

    return TransparantieTelling.objects.create(
        stand=stand, gemeente=Gemeente.objects.get(naam=gemeente_naam), gemeente_profiel=gp,
        gemeente_geen_profiel=gg, uwv_profiel=up, uwv_geen_profiel=ug, onbekend_profiel=op,
        onbekend_geen_profiel=og, bron=bron,
    )

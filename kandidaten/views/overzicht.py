"""The home page: the signal panel (17 counters at a peildatum) and the pictures per gemeente."""

from django.shortcuts import render

from kandidaten import charts
from kandidaten.selectors import overzicht as overzicht_selectors
from kandidaten.services import paneeltellingen
from kandidaten.views.signalen import lees_filters

# With more gemeenten than this in view the pictures wait until one gemeente is chosen.
MAX_GEMEENTEN_MET_GRAFIEKEN = 12


def overzicht(request):
    filters = lees_filters(request)
    paneel = paneeltellingen.paneel(filters.scope, filters.peildatum, filters.vernauwing)
    gemeenten = filters.gemeenten
    figuren = []
    te_veel_gemeenten = not filters.vernauwing.gemeente and len(gemeenten) > MAX_GEMEENTEN_MET_GRAFIEKEN
    if not te_veel_gemeenten:
        for verdeling in overzicht_selectors.verdelingen(filters.scope, gemeente=filters.vernauwing.gemeente):
            figuren.append(
                {
                    "verdeling": verdeling,
                    "klantprofiel": charts.klantprofiel_figuur(verdeling),
                    "ladder": charts.ladder_figuur(verdeling),
                }
            )
    context = {
        "filters": filters,
        "form": filters.form,
        "paneel": paneel,
        "query": filters.query(),
        "figuren": figuren,
        "te_veel_gemeenten": te_veel_gemeenten,
        "aantal_gemeenten": len(gemeenten),
    }
    return render(request, "kandidaten/overzicht.html", context)

"""Beheer's page: what the next retention run (`manage.py opschonen`) would delete. Reads only."""

from django import forms
from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from kandidaten.fields import DatumVeld
from kandidaten.models import AuditEvent
from kandidaten.scoping import gemeenten_voor
from kandidaten.services import bewaartermijn

BEWAARTERMIJN = "kandidaten.view_bewaartermijn"


class PeildatumForm(forms.Form):
    peildatum = DatumVeld(
        label="Rekendag", required=False,
        help_text="dd-mm-jjjj; leeg is vandaag. Een latere dag laat zien wat er dan weg zou gaan.",
        error_messages={"invalid": "Vul de rekendag in als dd-mm-jjjj, bijvoorbeeld 01-03-2027."},
    )


def _toelichting(soort, termijnen):
    """What a row of the table counts, in the words of docs/bewaartermijn.md."""
    bron = f"{termijnen.grens_bron:%d-%m-%Y}"
    item = f"van die kandidaten, of zelf niet meer in de bron sinds vóór {bron}"
    return {
        "kandidaten": f"niet meer in de bron sinds vóór {bron}",
        "trajecten": item,
        "modules": item,
        "plaatsingen": item,
        "wijzigingen": "de wijzigingsgeschiedenis van die kandidaten",
        "bestanden": "geüploade bestanden en foutenbestanden van imports gemaakt vóór "
                     f"{termijnen.grens_bestanden:%d-%m-%Y}",
        "auditregels": f"van vóór {termijnen.grens_audit:%d-%m-%Y}",
    }[soort]


@permission_required(BEWAARTERMIJN, raise_exception=True)
def voorbeeld(request):
    form = PeildatumForm(request.GET or None)
    peildatum = form.cleaned_data.get("peildatum") if form.is_valid() else None
    termijnen = bewaartermijn.Termijnen.uit_instellingen(peildatum)
    regels = bewaartermijn.voorbeeld(termijnen, request.user)
    user = request.user
    return render(request, "kandidaten/bewaartermijn/voorbeeld.html", {
        "form": form,
        "termijnen": termijnen,
        "rijen": [(regel, _toelichting(soort, termijnen)) for soort, regel in regels.items()],
        "gemeenten": [] if user.is_superuser else list(gemeenten_voor(user).values_list("naam", flat=True)),
        "laatste_run": AuditEvent.objects.filter(actie=AuditEvent.Actie.OPGESCHOOND).first(),
    })

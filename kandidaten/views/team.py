"""The team overview `/team/` (docs/team.md): per begeleider at a peildatum, each number a link to the list behind
it; sortable, exportable. Thin: the counting is `selectors.team`, the stored counts `services.paneeltellingen`."""

from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from kandidaten import weergave
from kandidaten.exporting import FORMATS, ExportColumn, eis_exportrecht, export_response, mag_exporteren
from kandidaten.models import OpvolgingStatus
from kandidaten.scoping import scope_van
from kandidaten.selectors import kandidaten as kandidaten_selectors
from kandidaten.selectors import keuzes, signalen, team
from kandidaten.services import paneeltellingen
from kandidaten.views.lijstdelen import kolomkoppen
from kandidaten.views.signalen import PeildatumForm


@dataclass(frozen=True)
class Kolom:
    sleutel: str  # selectors.team.SORTEERBAAR
    kop: str
    wat: str  # what the number counts, for its accessible name: "12 kandidaten van A. de Vries <wat>"


def _signaalkolom(groep, teller):
    label = signalen.GROEPEN[groep].teller(teller).label
    naam = signalen.GROEPEN[groep].titel.lower()
    return Kolom(team.signaal_sleutel(groep, teller), f"{signalen.GROEPEN[groep].titel}: {label}",
                 f"{naam}: {label.lower()}")


CASELOAD = [
    Kolom("kandidaten", "Kandidaten", "kandidaten in de bron"),
    Kolom("profiel_nodig", "Profiel nodig", "kandidaten met profiel nodig"),
    Kolom("wacht_lang", "waarvan > 4 weken", "kandidaten die langer dan 4 weken een profiel nodig hebben"),
    *(_signaalkolom(groep, teller) for groep, tellers in team.TELLERS.items() for teller in tellers),
]
OPVOLGING = [
    Kolom("profiel_nodig", "Profiel nodig", "kandidaten met profiel nodig"),
    *(Kolom(status.value, status.label, f"kandidaten met opvolging {status.label.lower()}")
      for status in OpvolgingStatus),
    Kolom("oudste_open", "Oudste open sinds", "de langst wachtende kandidaat met open opvolging"),
]


class Koppelingen:
    """The list behind each number: the candidate list, the worklist or a drill-down, with the same begeleider,
    gemeente and peildatum (so the number and the list agree)."""

    def __init__(self, peildatum, gemeente):
        self.peildatum, self.gemeente = peildatum, gemeente
        self._paden = {}  # reversed once per page, not once per cell

    def _pad(self, naam, *args):
        if (naam, args) not in self._paden:
            self._paden[naam, args] = reverse(naam, args=args)
        return self._paden[naam, args]

    def url(self, sleutel, begeleider):
        """The URL behind a number; `begeleider` None: the total row (only what a list can show without one)."""
        gemeente = {"gemeente": self.gemeente} if self.gemeente else {}
        wie = {"begeleider": begeleider} if begeleider is not None else {}
        if "-" in sleutel:
            groep, teller = sleutel.split("-", 1)
            query = {"peildatum": self.peildatum.strftime("%d-%m-%Y"), **wie, **gemeente}
            return f"{self._pad('signalen:lijst', groep, teller)}?{urlencode(query)}"
        if sleutel == "kandidaten" or (begeleider is None and sleutel == "profiel_nodig"):
            nodig = {"profiel_nodig": "ja"} if sleutel == "profiel_nodig" else {}
            return f"{self._pad('kandidaten:lijst')}?{urlencode({**wie, **nodig, **gemeente})}"
        if begeleider is None:
            return None  # the worklist is one begeleider's
        query = {**wie, **gemeente, **self._werklijst_filter(sleutel)}
        return f"{self._pad('kandidaten:profiel_nodig')}?{urlencode(query)}"

    def _werklijst_filter(self, sleutel):
        if sleutel == "wacht_lang":
            return {"sinds_voor": kandidaten_selectors.wacht_grens(self.peildatum).strftime("%d-%m-%Y")}
        if sleutel == "oudste_open":
            return {"opvolging": OpvolgingStatus.OPEN.value}  # longest waiting first: the worklist's default sort
        if sleutel in OpvolgingStatus.values:
            return {"opvolging": sleutel}
        return {}


def _rij_html(rij, kolommen, koppelingen, *, totaal=False):
    """One row's cells as HTML (every text escaped here): a number and the link to the list behind it, labelled
    with what it counts. Plain strings: the template engine took ~40 ms for a national page's 500 cells."""
    wie = "alle begeleiders" if totaal else rij.begeleider
    cellen = [f'<th scope="row" class="kolom-naam">{escape("Totaal" if totaal else rij.begeleider)}</th>']
    for kolom in kolommen:
        waarde = rij.waarde(kolom.sleutel)
        tekst = _oudste(rij) if kolom.sleutel == "oudste_open" else weergave.getal(waarde)
        url = koppelingen.url(kolom.sleutel, None if totaal else rij.begeleider) if waarde else None
        if url:
            label = escape(f"{tekst}: {kolom.wat} van {wie}, toon de lijst")
            tekst = f'<a href="{escape(url)}" aria-label="{label}">{escape(tekst)}</a>'
        else:
            tekst = escape(tekst)
        cellen.append(f'<td data-label="{escape(kolom.kop)}" class="num">{tekst}</td>')
    return mark_safe("<tr>" + "".join(cellen) + "</tr>")


def _oudste(rij):
    if rij.oudste_open is None:
        return ""
    dagen = kandidaten_selectors.dagen_wachtend(rij.oudste_open)
    return f"{weergave.datum(rij.oudste_open)} ({'≥ ' if rij.oudste_open_onbekend else ''}{weergave.getal(dagen)} d.)"


def _export_kolommen():
    kolommen = [ExportColumn("Begeleider", "begeleider", 24)]
    for kolom in CASELOAD + OPVOLGING[1:-1]:
        kolommen.append(ExportColumn(kolom.kop, lambda rij, sleutel=kolom.sleutel: rij.waarde(sleutel), 12))
    kolommen += [ExportColumn("Oudste open sinds", "oudste_open", 14),
                 ExportColumn("Oudste open: sinds de eerste import", "oudste_open_onbekend", 12)]
    return kolommen


def overzicht(request):
    if not request.user.has_perm("kandidaten.view_teamoverzicht"):
        raise PermissionDenied("Het teamoverzicht is voor teamleiders en functioneel beheer.")
    scope = scope_van(request)
    form = PeildatumForm(request.GET, gemeenten=keuzes.keuzes(scope).gemeenten)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    peildatum, gemeente = cleaned.get("peildatum") or timezone.localdate(), cleaned.get("gemeente")
    bewaard = paneeltellingen.per_gemeente(scope, peildatum, gemeente, soort=paneeltellingen.TEAM)
    rijen, totaal = team.overzicht(scope, peildatum, bewaard, gemeente)
    sortering = kandidaten_selectors.Sortering.van(request.GET.get("sort"), team.SORTEERBAAR, "begeleider")
    sort = sortering.param
    rijen = team.gesorteerd(rijen, sortering.kolom, aflopend=sortering.aflopend)
    if request.GET.get("_export") in FORMATS:
        return _export(request, rijen, totaal, peildatum, gemeente, sort,
                       gemeenten=[pk for pk, per_begeleider in bewaard.items() if per_begeleider])
    koppelingen = Koppelingen(peildatum, gemeente)
    return render(request, "kandidaten/team/overzicht.html", {
        "form": form,
        "peildatum": peildatum,
        "sort": sort,
        "team_rijen": rijen,
        "team_totaal": totaal,
        "caseload": [_rij_html(rij, CASELOAD, koppelingen) for rij in rijen],
        "opvolging": [_rij_html(rij, OPVOLGING, koppelingen) for rij in rijen],
        "caseload_totaal": _rij_html(totaal, CASELOAD, koppelingen, totaal=True),
        "opvolging_totaal": _rij_html(totaal, OPVOLGING, koppelingen, totaal=True),
        "koppen_caseload": kolomkoppen([("begeleider", "Begeleider")] + [(k.sleutel, k.kop) for k in CASELOAD], sort),
        "koppen_opvolging": kolomkoppen([("begeleider", "Begeleider")] + [(k.sleutel, k.kop) for k in OPVOLGING], sort),
        "wacht_grens": kandidaten_selectors.wacht_grens(peildatum),
        "kan_exporteren": mag_exporteren(request.user),
    })


def _export(request, rijen, totaal, peildatum, gemeente, sort, *, gemeenten):
    eis_exportrecht(request.user)
    totaal.begeleider = "Totaal"
    filters = {"peildatum": peildatum.isoformat(), "sort": sort, **({"gemeente": gemeente} if gemeente else {})}
    return export_response(
        request, rows=[*rijen, totaal], columns=_export_kolommen(), fmt=request.GET["_export"],
        filename_base="teamoverzicht", description=f"Teamoverzicht op {peildatum:%d-%m-%Y}", filters=filters,
        gemeenten=gemeenten,
    )

"""Server-side SVG pictures for the overview: no JavaScript, no chart library.

A chart is a horizontal bar chart: each bar has its label and its number written
beside it (colour is never the only signal). The SVG is a labelled group
(`role="group"`, `aria-labelledby` its `<title>` and a `<desc>` that lists every
number: the text alternative), and each bar is a link, with its own accessible
name, to the candidate list filtered on that segment. (`role="img"` would make
the bars' links "nested interactive" content, which axe rightly rejects.) The
same numbers are printed in a small table beside each chart.

The candidate list's URL contract:
    /kandidaten/?gemeente=<pk>&klantprofiel=<J|N|L|O>
    /kandidaten/?gemeente=<pk>&ladder=<stored value, e.g. "04 met groeipotentieel">  (or ladder=onbekend)
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from kandidaten import weergave

LABEL_BREEDTE = 200
STAAF_BREEDTE = 240
WAARDE_BREEDTE = 70
RIJ_HOOGTE = 24
STAAF_HOOGTE = 16
MARGE = 6


def kandidaten_url(**params):
    return f"{reverse('kandidaten:lijst')}?{urlencode(params)}"


def klantprofiel_url(gemeente_pk, code):
    return kandidaten_url(gemeente=gemeente_pk, klantprofiel=code)


def ladder_url(gemeente_pk, ladder):
    return kandidaten_url(gemeente=gemeente_pk, ladder=ladder.waarde)


@dataclass(frozen=True)
class Staaf:
    label: str  # the value's one display (kandidaten.weergave): the table and the bar's accessible name
    aantal: int
    href: str
    css: str = ""
    kort: str = ""  # the text beside the bar, where only a few characters fit (default: the label)
    aandeel: float = 0.0  # share of the total, 0..100

    @property
    def tekst(self):
        return self.kort or self.label


def staafdiagram(chart_id, titel, staven, eenheid="kandidaten", context=""):
    """A labelled horizontal bar chart as SVG markup (safe to insert into a template)."""
    hoogste = max((staaf.aantal for staaf in staven), default=0) or 1
    breedte = LABEL_BREEDTE + STAAF_BREEDTE + WAARDE_BREEDTE
    hoogte = len(staven) * RIJ_HOOGTE + 2 * MARGE
    beschrijving = "; ".join(f"{staaf.label}: {weergave.getal(staaf.aantal)} {eenheid}" for staaf in staven)
    rijen = []
    for index, staaf in enumerate(staven):
        y = MARGE + index * RIJ_HOOGTE
        tekst_y = y + RIJ_HOOGTE / 2 + 4
        lengte = round(STAAF_BREEDTE * staaf.aantal / hoogste, 1)
        rijen.append(
            format_html(
                '<a class="chart__link" href="{}" aria-label="{}{}: {} {}, toon in de kandidatenlijst">'
                '<text class="chart__label" x="{}" y="{}" text-anchor="end" aria-hidden="true">{}</text>'
                '<rect class="chart__hit" x="0" y="{}" width="{}" height="{}"></rect>'
                '<rect class="chart__bar {}" x="{}" y="{}" width="{}" height="{}"></rect>'
                '<text class="chart__value" x="{}" y="{}" aria-hidden="true">{}</text></a>',
                staaf.href, context, staaf.label, weergave.getal(staaf.aantal), eenheid,
                LABEL_BREEDTE - 8, tekst_y, staaf.tekst,
                y, breedte, RIJ_HOOGTE,
                staaf.css, LABEL_BREEDTE, y + (RIJ_HOOGTE - STAAF_HOOGTE) / 2, lengte, STAAF_HOOGTE,
                LABEL_BREEDTE + lengte + 6, tekst_y, weergave.getal(staaf.aantal),
            )
        )
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="group" aria-labelledby="{id}-titel {id}-desc" '
        'viewBox="0 0 {b} {h}" width="{b}" height="{h}">'
        '<title id="{id}-titel">{titel}</title><desc id="{id}-desc">{beschrijving}</desc>{rijen}</svg>',
        id=chart_id, b=breedte, h=hoogte, titel=titel, beschrijving=beschrijving,
        rijen=mark_safe("".join(rijen)),  # each piece came from format_html
    )


def _aandeel(aantal, totaal):
    return round(100 * aantal / totaal, 1) if totaal else 0.0


@dataclass(frozen=True)
class Figuur:
    """One chart with the rows of its table."""

    chart_id: str
    titel: str
    svg: str
    staven: list


def klantprofiel_figuur(verdeling):
    staven = [
        Staaf(weergave.klantprofiel(code), aantal, klantprofiel_url(verdeling.gemeente_id, code),
              f"chart__bar--{code}", aandeel=_aandeel(aantal, verdeling.totaal))
        for code, aantal in verdeling.klantprofiel_rijen()
    ]
    chart_id = f"klantprofiel-{verdeling.gemeente_id}"
    titel = f"Kandidaten per klantprofiel, {verdeling.gemeente}"
    svg = staafdiagram(chart_id, titel, staven, context=f"{verdeling.gemeente}, klantprofiel ")
    return Figuur(chart_id, titel, svg, staven)


def ladder_figuur(verdeling):
    staven = [
        Staaf(ladder.label, aantal, ladder_url(verdeling.gemeente_id, ladder),
              "chart__bar--onbekend" if ladder.onbekend else "chart__bar--ladder",
              ladder.kort, _aandeel(aantal, verdeling.totaal))
        for ladder, aantal in verdeling.ladder_rijen()
    ]
    chart_id = f"ladder-{verdeling.gemeente_id}"
    titel = f"Kandidaten per trede van de participatieladder, {verdeling.gemeente}"
    svg = staafdiagram(chart_id, titel, staven, context=f"{verdeling.gemeente}, participatieladder ")
    return Figuur(chart_id, titel, svg, staven)

"""The transparency report's trend as small server-side SVG line charts: no JavaScript, no chart library.

House style of `charts.py`: the SVG carries a `<title>` and a `<desc>` that lists every value (its text
alternative, `role="img"`: nothing in it is interactive), every point has its value written beside it (the
line is never the only signal), and the page prints the same numbers in a table beside the chart.
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join

from kandidaten import weergave

BREEDTE_PER_PUNT = 64
LINKS = 48  # room for the y-axis labels
RECHTS = 24
BOVEN = 22  # room for the value above the highest point
GRAFIEK_HOOGTE = 120
ONDER = 34  # room for the x-axis labels


def getal(waarde):
    """Dutch thousands separators: 190973 -> "190.973"; negative numbers keep their sign; None -> "–"."""
    return "–" if waarde is None else weergave.getal(waarde)


def procent_tekst(waarde):
    return "–" if waarde is None else f"{waarde}%"


@dataclass(frozen=True)
class Lijnpunt:
    label: str  # under the axis, short ("2025 K2")
    waarde: int | None  # None: no value at this point (no data yet)
    tekst: str  # the value as written beside the point and in the description ("1.234", "66%")


def _schaal_maximum(hoogste, procent):
    if procent:
        return 100
    if hoogste <= 0:
        return 1
    stap = 10 ** max(len(str(hoogste)) - 1, 0)
    return -(-hoogste // stap) * stap  # rounded up to a whole step: 1.234 -> 2.000, 87 -> 90


def lijngrafiek(chart_id, titel, punten, *, procent=False, eenheid=""):
    """A line chart of `punten` (Lijnpunt) as SVG markup, safe to insert into a template."""
    maximum = _schaal_maximum(max((p.waarde or 0 for p in punten), default=0), procent)
    breedte = LINKS + max(len(punten), 1) * BREEDTE_PER_PUNT + RECHTS
    hoogte = BOVEN + GRAFIEK_HOOGTE + ONDER

    def x(index):
        return LINKS + index * BREEDTE_PER_PUNT + BREEDTE_PER_PUNT / 2

    def y(waarde):
        return round(BOVEN + GRAFIEK_HOOGTE * (1 - waarde / maximum), 1)

    gemeten = [(x(i), y(p.waarde), p) for i, p in enumerate(punten) if p.waarde is not None]
    lijn = " ".join(f"{px},{py}" for px, py, _ in gemeten)
    beschrijving = "; ".join(f"{p.label}: {p.tekst if p.waarde is not None else 'geen gegevens'}" for p in punten)
    return format_html(
        '<svg class="trend-grafiek" xmlns="http://www.w3.org/2000/svg" role="img" '
        'aria-labelledby="{id}-titel {id}-desc" viewBox="0 0 {b} {h}" width="{b}" height="{h}">'
        '<title id="{id}-titel">{titel}</title><desc id="{id}-desc">{beschrijving}</desc>'
        "{assen}{lijn}{punten}{labels}</svg>",
        id=chart_id, b=breedte, h=hoogte, titel=titel, beschrijving=beschrijving + (f" ({eenheid})" if eenheid else ""),
        assen=_assen(breedte, maximum, procent, y),
        lijn=format_html('<polyline class="trend__lijn" points="{}"></polyline>', lijn) if len(gemeten) > 1 else "",
        punten=format_html_join(
            "", '<circle class="trend__punt" cx="{}" cy="{}" r="4"></circle>'
            '<text class="trend__waarde" x="{}" y="{}" text-anchor="middle">{}</text>',
            ((px, py, px, py - 8, p.tekst) for px, py, p in gemeten),
        ),
        labels=format_html_join(
            "", '<text class="trend__label" x="{}" y="{}" text-anchor="middle">{}</text>',
            ((x(i), BOVEN + GRAFIEK_HOOGTE + 20, p.label) for i, p in enumerate(punten)),
        ),
    )


def _assen(breedte, maximum, procent, y):
    """The baseline, a middle and a top gridline, with their values on the left."""
    lijnen = []
    for waarde in (0, maximum / 2, maximum):
        tekst = procent_tekst(round(waarde)) if procent else getal(round(waarde))
        lijnen.append((LINKS, y(waarde), breedte - RECHTS, y(waarde), LINKS - 6, y(waarde) + 4, tekst))
    return format_html_join(
        "", '<line class="trend__as" x1="{}" y1="{}" x2="{}" y2="{}"></line>'
        '<text class="trend__schaal" x="{}" y="{}" text-anchor="end">{}</text>',
        lijnen,
    )

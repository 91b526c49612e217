"""Number formatting for the transparency pages: Dutch thousands separators and whole percents ("66%").

Plain functions instead of `intcomma`/localisation: a national report prints thousands of numbers."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from kandidaten.charts_transparantie import getal, procent_tekst

register = template.Library()
register.filter("getal", getal)
register.filter("procent", procent_tekst)


@register.filter
def verschil(waarde):
    """A difference with its sign: "+12", "−3", "0"; none -> "–"."""
    if waarde is None:
        return "–"
    if waarde > 0:
        return "+" + getal(waarde)
    return getal(waarde).replace("-", "−")


_RIJ = (
    '<tr class="rij--{soort}"><td>{regio}</td><th scope="row">{gemeente}{regio_verborgen}</th>'
    '<td class="num">{gp}</td><td class="num">{gg}</td><td class="num">{up}</td><td class="num">{ug}</td>'
    '<td class="num totaal">{totaal}</td><td class="num">{aandeel}</td><td class="num">{register}</td>{stand}</tr>'
)


@register.simple_tag
def rapportrijen(rapport, met_stand):
    """The report's table body. A national report has ~380 rows of 10 cells: through the template engine they
    cost ~100 ms, with format_html per row ~25 ms, like this ~3 ms (bench database). Names are escaped; the
    numbers, percents and dates are our own digits."""
    regels = []
    vorige_regio = None
    for rij in rapport.rijen:
        a = rij.aantallen
        regio = escape(rij.regio)
        regels.append(_RIJ.format(
            soort=rij.soort, regio=regio if rij.regio != vorige_regio else "", gemeente=escape(rij.gemeente),
            regio_verborgen=f'<span class="visually-hidden"> {regio}</span>' if rij.soort == "regio" else "",
            gp=getal(a.gemeente_profiel), gg=getal(a.gemeente_geen_profiel), up=getal(a.uwv_profiel),
            ug=getal(a.uwv_geen_profiel), totaal=getal(a.totaal), aandeel=procent_tekst(a.aandeel_profiel),
            register=(f'{procent_tekst(rij.bekend_in_sonar)} <span class="muted">van {getal(rij.register)}</span>'
                      if rij.register else ""),
            stand=f"<td>{rij.stand:%d-%m-%Y}</td>" if met_stand and rij.stand else ("<td></td>" if met_stand else ""),
        ))
        vorige_regio = rij.regio
    return mark_safe("\n".join(regels))  # names escaped above; everything else is digits we formatted

"""Number formatting for the transparency pages: Dutch thousands separators and whole percents ("66%").

Plain functions instead of `intcomma`/localisation: a national report prints thousands of numbers."""

from django import template

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

"""Template filters for the one display per value (kandidaten.weergave): `{% load weergave %}`."""

from django import template

from kandidaten import weergave

register = template.Library()

register.filter("ja_nee", weergave.ja_nee)
register.filter("klantprofiel", weergave.klantprofiel)
register.filter("sonar_status", weergave.sonar_status)
register.filter("klant_van", weergave.klant_van)
register.filter("opvolging", weergave.opvolging)
register.filter("pers_nr", weergave.pers_nr)
register.filter("getal", weergave.getal)
register.filter("leeg", weergave.tekst)


@register.filter
def ladder(stored):
    return weergave.Ladder.van(stored).label

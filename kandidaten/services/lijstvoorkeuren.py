"""A user's choice of columns for a list, remembered in the database and carried in the session.

The session is read on every page anyway, so after the first page of a session the choice costs the list
page no query (it stays within its six SELECTs); a choice made in another session shows from the next
login on.
"""

from kandidaten.models import Lijstvoorkeur

_SESSIE = "lijstvoorkeur:{}"


def kolommen(request, lijst, standaard):
    """The columns this user chose for `lijst`, or `standaard`."""
    sleutel = _SESSIE.format(lijst)
    gekozen = request.session.get(sleutel)
    if gekozen is None:
        gevonden = Lijstvoorkeur.objects.filter(gebruiker=request.user, lijst=lijst).values_list("kolommen", flat=True)
        gekozen = request.session[sleutel] = list(gevonden.first() or standaard)
    return tuple(gekozen)


def bewaar_kolommen(request, lijst, gekozen):
    Lijstvoorkeur.objects.update_or_create(gebruiker=request.user, lijst=lijst, defaults={"kolommen": list(gekozen)})
    request.session[_SESSIE.format(lijst)] = list(gekozen)

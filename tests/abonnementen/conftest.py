import datetime

import pytest
from django.core.cache import cache

from kandidaten.models import Abonnement, Kandidaat
from kandidaten.roles import MEDEWERKER
from tests.factories import make_kandidaat, make_module, make_plaatsing, make_traject, make_user

PEILDATUM = datetime.date(2026, 6, 15)  # a Monday
SITE_URL = "https://kandidaten.example.nl"

# Names and numbers the data is full of: none may appear in a mail.
KLANTEN_EPE = [
    ("0079741", "Jansen, K."), ("88123", "El Amrani, F."), ("7300412", "Öztürk-de Wit, M."),
    ("0055117", "Yıldız, B."), ("64029", "Visser, T."),
]
BEGELEIDER = "A. de Vries"
ANDERE_BEGELEIDER = "Beleging 100%"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture(autouse=True)
def lege_cache():
    cache.clear()
    yield
    cache.clear()


def dag(delta):
    return PEILDATUM + datetime.timedelta(days=delta)


def vul_epe():
    """Clients of two begeleiders in Epe with items in every counter, one gone client, one in Apeldoorn."""
    klanten = []
    for index, (pers_nr, naam) in enumerate(KLANTEN_EPE):
        begeleider = BEGELEIDER if index < 3 else ANDERE_BEGELEIDER
        klanten.append(make_kandidaat("Epe", pers_nr=pers_nr, naam=naam, begeleider=begeleider,
                                      klantprofiel="N" if index % 2 == 0 else "J"))
    jansen, amrani, ozturk, yildiz, visser = klanten
    traject = make_traject(jansen, startdatum=dag(-100), signaaldatum=dag(-3), uitvoerende="Alrijde B")
    make_module(jansen, traject=traject, startdatum=dag(-5), opgeschort=True, uitvoerende="Alrijde B")
    make_traject(amrani, startdatum=dag(-10), signaaldatum=dag(20), einddatum=dag(60), uitvoerende="Team Epe")
    make_traject(ozturk, startdatum=dag(-400), einddatum=dag(-1))  # ended: counts nowhere
    make_plaatsing(ozturk, startdatum=dag(-30), signaaldatum=dag(5), werkgever="Bakkerij Öztürk",
                   functie="Inpakker", uitvoerende="Werkgeversservicepunt")
    make_module(amrani, startdatum=dag(-2), einddatum=dag(30), uitvoerende="Team Epe")
    make_traject(yildiz, startdatum=dag(-50), signaaldatum=dag(-40))
    make_module(visser, startdatum=dag(-60), opgeschort=True)
    weg = make_kandidaat("Epe", pers_nr="9900990", naam="Weggeweest, W.", begeleider=BEGELEIDER)
    make_traject(weg, startdatum=dag(-20))
    Kandidaat.objects.filter(pk=weg.pk).update(in_bron=False, niet_in_bron_sinds=dag(-7))
    apeldoorn = make_kandidaat("Apeldoorn", pers_nr="4455667", naam="Apeldoorn, Buiten-Scope",
                               begeleider=BEGELEIDER)
    make_traject(apeldoorn, startdatum=dag(-1))
    return klanten


def abonnee(username="abonnee.epe", email="a.devries@epe.example.nl", gemeenten=("Epe",), rol=MEDEWERKER, **velden):
    """A user of Epe with a daily subscription narrowed on her begeleider name. `rol=None` for a test that
    commits (it flushed the roles the migrations made)."""
    user = make_user(username, rol, gemeenten=gemeenten, begeleider_naam=BEGELEIDER, email=email)
    velden = {"frequentie": Abonnement.Frequentie.DAGELIJKS, "begeleider": BEGELEIDER, **velden}
    return Abonnement.objects.create(gebruiker=user, **velden)

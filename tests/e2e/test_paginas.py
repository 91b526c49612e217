"""Every page we serve, at 1400 px and on a 390 px phone: it never scrolls sideways and axe finds nothing.

Including the admin screens teamleiders and beheer work in, and the admin's login page."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.e2e.conftest import axe_violations
from tests.factories import make_kandidaat, make_module, make_plaatsing, make_traject, make_user

BREEDTES = [1400, 390]
DAG = datetime.timedelta(days=1)


@pytest.fixture
def data(referentiedata):
    cache.clear()
    vandaag = timezone.localdate()
    eerste = None
    for index in range(30):
        kandidaat = make_kandidaat(
            "Epe" if index % 3 else "Heerde", naam=f"{['van den Berg', 'de Boer', 'Öztürk'][index % 3]}, {index}.",
            begeleider="A. de Vries", klantprofiel="JNLO"[index % 4], participatieladder="03 zonder groeipotentieel",
            doelgroep="Participatiewet met een heel lange doelgroepnaam zonder spaties-ertussen-zodat-hij-moet-breken",
        )
        eerste = eerste or kandidaat
        traject = make_traject(kandidaat, startdatum=vandaag - 10 * DAG, signaaldatum=vandaag - DAG,
                               uitvoerende="Alrijde B Re-integratie en Werkfit Noord-Veluwe")
        make_module(kandidaat, traject=traject, startdatum=vandaag - 3 * DAG, opgeschort=index % 2 == 0)
        make_plaatsing(kandidaat, startdatum=vandaag - 40 * DAG, einddatum=vandaag + 20 * DAG)
    return eerste


def app_pages(kandidaat):
    epe = kandidaat.gemeente_id
    return [
        "/", f"/?gemeente={epe}", "/kandidaten/", "/kandidaten/?klantprofiel=N&uitvoerende=alrijde&q=berg",
        "/kandidaten/profiel-nodig/?begeleider=A.%20de%20Vries", f"/kandidaten/{kandidaat.pk}/",
        "/signalen/trajecten/signaal_verstreken/", "/signalen/modules/actief/?sort=begeleider", "/lijsten/",
        "/transparantie/", "/transparantie/uwv/", "/kandidaten/?page=99", "/audit/", "/abonnement/",
    ]


ADMIN_TEAMLEIDER = [
    "/beheer/", "/beheer/kandidaten/kandidaat/", "/beheer/kandidaten/kandidaat/{pk}/change/",
    "/beheer/kandidaten/traject/", "/beheer/kandidaten/module/", "/beheer/kandidaten/plaatsing/",
    "/beheer/kandidaten/kandidaatwijziging/", "/beheer/kandidaten/auditevent/",
    "/beheer/kandidaten/gemeente/", "/beheer/kandidaten/doelgroep/",
]
ADMIN_BEHEER = [
    "/beheer/", "/beheer/kandidaten/doelgroep/", "/beheer/kandidaten/doelgroep/add/", "/beheer/kandidaten/gemeente/",
    "/beheer/kandidaten/gemeente/{gemeente}/change/", "/beheer/kandidaten/gebruiker/",
    "/beheer/kandidaten/gebruiker/{gebruiker}/change/", "/beheer/kandidaten/gebruiker/add/",
    "/beheer/kandidaten/arbeidsmarktregio/", "/beheer/kandidaten/doelgroepregistertotaal/",
    "/beheer/kandidaten/doelgroepregistertotaal/add/", "/beheer/kandidaten/import/", "/import/", "/import/nieuw/",
    "/bewaartermijn/", "/transparantie/uwv/toevoegen/",
]


def check(page, live_server, paths, breedte):
    page.set_viewport_size({"width": breedte, "height": 900})
    problems = []
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        if response.status != 200:
            problems.append(f"{path}: HTTP {response.status}")
            continue
        for details in page.locator("main details").all():  # open what folds: filters, option lists
            details.evaluate("element => element.open = true")
        breedte_pagina = page.evaluate("document.documentElement.scrollWidth")
        if breedte_pagina > page.evaluate("innerWidth"):
            problems.append(f"{path}: {breedte_pagina} px breed op {breedte} px")
        problems += [f"{path}: {violation}" for violation in axe_violations(page)]
    return problems


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("breedte", BREEDTES)
def test_every_page_fits_the_screen_and_has_no_axe_violations(login, live_server, data, teamleider, breedte):
    page = login(teamleider)
    assert check(page, live_server, app_pages(data), breedte) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("breedte", BREEDTES)
def test_the_admin_screens_of_teamleiders_fit_and_have_no_axe_violations(login, live_server, data, teamleider,
                                                                         breedte):
    page = login(teamleider)
    paths = [path.format(pk=data.pk) for path in ADMIN_TEAMLEIDER]
    assert check(page, live_server, paths, breedte) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("breedte", BREEDTES)
def test_the_admin_screens_of_beheer_fit_and_have_no_axe_violations(login, live_server, data, beheerder, breedte):
    page = login(beheerder)
    collega = make_user("collega", "Medewerker", gemeenten=["Epe"])
    paths = [path.format(gemeente=data.gemeente_id, gebruiker=collega.pk) for path in ADMIN_BEHEER]
    assert check(page, live_server, paths, breedte) == []


@pytest.mark.django_db(transaction=True)
def test_the_login_pages_have_a_heading_and_no_axe_violations(live_server, page):
    # The admin has no login form of its own: /beheer/login/ is the app's login page (docs/toegang.md).
    assert check(page, live_server, ["/inloggen/", "/beheer/login/"], 390) == []
    assert page.url.startswith(f"{live_server.url}/inloggen/")
    assert page.locator("h1").inner_text() == "Inloggen"

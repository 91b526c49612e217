"""Who sees what: scope as everywhere (kandidaten/scoping.py), the filters in the URL, the permission."""

import pytest

from kandidaten.models import DoelgroepregisterTotaal, Gemeente
from kandidaten.roles import TEAMLEIDER
from tests.factories import make_user

from .exports import datum
from .helpers import opgeslagen

pytestmark = pytest.mark.django_db
Q2 = datum("30-06-2025")


@pytest.fixture
def stand_q2():
    opgeslagen(Q2, "Epe", 23, 133, 151, 60)
    opgeslagen(Q2, "Apeldoorn", 269, 793, 960, 281, og=4)
    opgeslagen(Q2, "Amsterdam", 1000, 2000, 3000, 400)
    opgeslagen(Q2, "Onbekend", 1, 0, 8, 9)


def rijen(response):
    return [(rij.regio, rij.gemeente, rij.aantallen.totaal) for rij in response.context["rapport"].rijen]


@pytest.fixture
def teamleider_epe(db):
    return make_user("teamleider.epe", TEAMLEIDER, gemeenten=["Epe"])


def test_a_teamleider_of_epe_sees_epe_and_a_region_total_over_epe_only(logged_in, teamleider_epe, stand_q2):
    response = logged_in(teamleider_epe).get("/transparantie/?kwartaal=2025-Q2")
    assert response.status_code == 200
    assert rijen(response) == [
        ("Veluwe Stedendriehoek", "Epe", 367),
        ("Veluwe Stedendriehoek", "Totaal AMR", 367),
        ("Totaal", "Totaal", 367),
    ]
    html = response.content.decode()
    assert "Apeldoorn" not in html.split("<table")[1] and "Amsterdam" not in html


def test_a_superuser_sees_every_gemeente_the_onbekend_row_and_the_national_total(logged_in, stand_q2):
    admin = make_user("admin", is_superuser=True)
    response = logged_in(admin).get("/transparantie/?kwartaal=2025-Q2")
    assert rijen(response) == [
        ("Groot Amsterdam", "Amsterdam", 6400),
        ("Groot Amsterdam", "Totaal AMR", 6400),
        ("Veluwe Stedendriehoek", "Apeldoorn", 2303),
        ("Veluwe Stedendriehoek", "Epe", 367),
        ("Veluwe Stedendriehoek", "Totaal AMR", 2670),
        ("Onbekend", "Onbekend", 22),  # 18 without a gemeente, 4 of Apeldoorn whose klant van is unknown
        ("Nederland", "Totaal", 9092),
    ]


def test_the_onbekend_gemeente_is_in_view_only_for_who_has_it(logged_in, beheerder, teamleider, stand_q2):
    # beheer has Apeldoorn, Epe, Heerde and Onbekend; the teamleider the same without Onbekend.
    assert ("Onbekend", "Onbekend", 22) in rijen(logged_in(beheerder).get("/transparantie/?kwartaal=2025-Q2"))
    assert ("Onbekend", "Onbekend", 4) in rijen(logged_in(teamleider).get("/transparantie/?kwartaal=2025-Q2"))


def test_a_medewerker_may_not_open_the_report(logged_in, medewerker_epe, stand_q2):
    client = logged_in(medewerker_epe)
    assert client.get("/transparantie/").status_code == 403
    assert client.get("/transparantie/uwv/").status_code == 403
    assert client.get("/transparantie/?_export=csv").status_code == 403


def test_the_region_and_gemeente_filters_live_in_the_url(logged_in, teamleider, stand_q2):
    client = logged_in(teamleider)
    epe = Gemeente.objects.get(naam="Epe").pk
    response = client.get(f"/transparantie/?kwartaal=2025-Q2&gemeente={epe}")
    assert rijen(response) == [
        ("Veluwe Stedendriehoek", "Epe", 367), ("Veluwe Stedendriehoek", "Totaal AMR", 367), ("Totaal", "Totaal", 367),
    ]
    assert f"gemeente={epe}" in response.context["export_xlsx"]
    regio = Gemeente.objects.get(naam="Epe").regio_id
    response = client.get(f"/transparantie/?kwartaal=2025-Q2&regio={regio}")
    assert [r[1] for r in rijen(response)] == ["Apeldoorn", "Epe", "Totaal AMR", "Onbekend", "Totaal"]


def test_a_gemeente_outside_the_scope_in_the_url_is_refused_in_dutch(logged_in, teamleider_epe, stand_q2):
    amsterdam = Gemeente.objects.get(naam="Amsterdam").pk
    response = logged_in(teamleider_epe).get(f"/transparantie/?kwartaal=2025-Q2&gemeente={amsterdam}")
    assert "Deze gemeente hoort niet bij uw gemeenten." in response.content.decode()
    assert [r[1] for r in rijen(response)] == ["Epe", "Totaal AMR", "Totaal"]


def test_the_register_share_shows_where_beheer_entered_the_register(logged_in, teamleider, stand_q2):
    epe = Gemeente.objects.get(naam="Epe")
    DoelgroepregisterTotaal.objects.create(kwartaal="2025-Q2", gemeente=epe, personen=556)
    DoelgroepregisterTotaal.objects.create(kwartaal="2025-Q2", regio=epe.regio, personen=11000)
    response = logged_in(teamleider).get("/transparantie/?kwartaal=2025-Q2")
    per_gemeente = {rij.gemeente: rij for rij in response.context["rapport"].rijen}
    assert per_gemeente["Epe"].bekend_in_sonar == 66  # 367 of 556
    assert "66% <span class=\"muted\">van 556</span>" in response.content.decode()
    # Her region total covers only her gemeenten: beside the whole region's register it would mislead.
    assert per_gemeente["Totaal AMR"].register is None
    admin = make_user("admin", is_superuser=True)
    response = logged_in(admin).get(f"/transparantie/?kwartaal=2025-Q2&regio={epe.regio_id}")
    regio = next(r for r in response.context["rapport"].rijen if r.soort == "regio")
    assert (regio.register, regio.bekend_in_sonar) == (11000, 24)  # 2670 of 11,000

"""Beheer's page: what the next run would delete, within her gemeenten; nobody else may see it."""

import datetime

import pytest
from django.utils import timezone

from kandidaten.models import AuditEvent, Kandidaat
from tests.factories import make_traject, make_user

from .conftest import auditregel_op, item_weg_sinds, lokaal, opschonen, weg_sinds

pytestmark = pytest.mark.django_db
URL = "/bewaartermijn/"


@pytest.fixture
def gegevens():
    """Gone clients in Epe and Heerde (beheer's gemeenten) and in Amsterdam (not hers)."""
    epe = weg_sinds(datetime.date(2020, 3, 9), "Epe", naam="Yılmaz, A.", pers_nr="07974")
    make_traject(epe)
    weg_sinds(datetime.date(2022, 11, 30), "Heerde")
    amsterdam = weg_sinds(datetime.date(2019, 1, 2), "Amsterdam", naam="Visser, T.", pers_nr="1234")
    item_weg_sinds(make_traject(amsterdam), datetime.date(2019, 1, 2))
    auditregel_op(lokaal(2018, 5, 4, 12))
    return amsterdam


def _rij(html, soort):
    """The number in the table row of `soort`."""
    start = html.index(f'<th scope="row">{soort}</th>')
    cel = html.index('<td class="num">', start) + len('<td class="num">')
    return int(html[cel:html.index("</td>", cel)])


def test_beheer_sees_counts_for_her_gemeenten_only(logged_in, beheerder, gegevens):
    response = logged_in(beheerder).get(URL, {"peildatum": "15-06-2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert (_rij(html, "Kandidaten"), _rij(html, "Trajecten")) == (2, 1)
    assert "09-03-2020" in html  # the oldest of hers
    assert "02-01-2019" not in html.split("Auditregels")[0]  # Amsterdam's date is not in her rows
    assert _rij(html, "Auditregels") == 1  # files and audit records are the installation's
    assert "uw gemeenten (Apeldoorn, Epe, Heerde, Onbekend)" in html
    # Counts only: no client's name or number.
    assert "Yılmaz" not in html and "07974" not in html and "Visser" not in html


def test_a_superuser_sees_every_gemeente(logged_in, gegevens):
    admin = make_user("admin", is_superuser=True)
    html = logged_in(admin).get(URL, {"peildatum": "15-06-2026"}).content.decode()
    assert (_rij(html, "Kandidaten"), _rij(html, "Trajecten")) == (3, 2)
    assert "alle gemeenten" in html


def test_the_page_shows_the_terms_in_force_and_their_limits(logged_in, beheerder, settings):
    settings.BEWAARTERMIJN_MAANDEN = 18
    settings.IMPORT_BESTANDEN_DAGEN = 14
    settings.AUDIT_BEWAARTERMIJN_MAANDEN = 72
    html = logged_in(beheerder).get(URL, {"peildatum": "2026-06-15"}).content.decode()
    assert "meer dan 18 maanden" in html and "meer dan 14 dagen" in html and "meer dan 72 maanden" in html
    assert "BEWAARTERMIJN_MAANDEN" in html and "IMPORT_BESTANDEN_DAGEN" in html
    assert "niet meer in de bron sinds vóór 15-12-2024" in html
    assert "van imports gemaakt vóór 01-06-2026" in html
    assert "van vóór 15-06-2020" in html


def test_a_later_rekendag_shows_what_would_go_then(logged_in, beheerder):
    weg_sinds(datetime.date(2025, 1, 10), "Epe")
    client = logged_in(beheerder)
    assert _rij(client.get(URL, {"peildatum": "10-01-2027"}).content.decode(), "Kandidaten") == 0
    assert _rij(client.get(URL, {"peildatum": "11-01-2027"}).content.decode(), "Kandidaten") == 1


def test_a_wrong_rekendag_says_so_and_counts_for_today(logged_in, beheerder):
    response = logged_in(beheerder).get(URL, {"peildatum": "31-02-2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vul de rekendag in als dd-mm-jjjj" in html
    assert f"op {timezone.localdate():%d-%m-%Y} zou verwijderen</h2>" in html


def test_the_page_changes_nothing(logged_in, beheerder, gegevens):
    voor = Kandidaat.objects.count()
    logged_in(beheerder).get(URL, {"peildatum": "01-01-2099"})
    assert Kandidaat.objects.count() == voor
    assert not AuditEvent.objects.filter(actie=AuditEvent.Actie.OPGESCHOOND).exists()


def test_the_page_shows_the_last_run(logged_in, beheerder):
    weg_sinds(datetime.date(2020, 1, 1), "Epe")
    html = logged_in(beheerder).get(URL).content.decode()
    assert "Er is nog nooit opgeschoond" in html
    opschonen("--peildatum", "2026-06-15")
    html = logged_in(beheerder).get(URL).content.decode()
    assert "Bewaartermijn: 1 kandidaat, 0 trajecten" in html


@pytest.mark.parametrize("wie", ["medewerker_epe", "teamleider"])
def test_medewerkers_and_teamleiders_may_not_see_it(request, logged_in, wie):
    response = logged_in(request.getfixturevalue(wie)).get(URL)
    assert response.status_code == 403


def test_the_menu_offers_it_to_beheer_only(logged_in, beheerder, medewerker_epe, client):
    assert 'href="/bewaartermijn/"' in logged_in(beheerder).get("/").content.decode()
    client.logout()
    assert 'href="/bewaartermijn/"' not in logged_in(medewerker_epe).get("/").content.decode()

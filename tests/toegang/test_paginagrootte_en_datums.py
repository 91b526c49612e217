"""Page sizes come from a fixed list; a date outside 1900–2100 is a form error, never a server error."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.factories import make_kandidaat, make_traject

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data():
    cache.clear()  # option lists are cached per data generation, which a rolled-back test repeats
    for index in range(60):
        kandidaat = make_kandidaat("Epe", naam=f"Naam {index:03d}")
        if index < 30:
            make_traject(kandidaat, startdatum=datetime.date(2026, 1, 5))


def test_the_candidate_list_shows_a_page_size_from_its_list_whatever_the_url_asks(logged_in, medewerker_epe):
    client = logged_in(medewerker_epe)
    for per_page in ["1000000", "-1", "0", "251", "99999999999999999999", "2.5", "abc", "", "50&per_page=1000"]:
        response = client.get(f"/kandidaten/?per_page={per_page}")
        assert response.status_code == 200, per_page
        assert len(response.context["page"].object_list) == 50, per_page  # the default
        assert response.context["per_page"] == 50


def test_the_candidate_list_honours_a_size_it_offers(logged_in, medewerker_epe):
    response = logged_in(medewerker_epe).get("/kandidaten/?per_page=25&page=3")
    assert len(response.context["page"].object_list) == 10
    assert response.context["page"].number == 3


def test_a_wrong_page_number_shows_the_first_page_or_past_the_end_the_last(logged_in, medewerker_epe):
    client = logged_in(medewerker_epe)
    for page, nearest in (("-1", 1), ("0", 1), ("abc", 1), ("99999999999999999999", 2), ("1e3", 1), ("", 1)):
        response = client.get(f"/kandidaten/?page={page}")
        assert response.status_code == 200
        assert response.context["page"].number == nearest, page


def test_a_signal_drill_down_shows_a_page_size_from_its_list(logged_in, medewerker_epe):
    client = logged_in(medewerker_epe)
    response = client.get("/signalen/trajecten/actief/?peildatum=15-03-2026&per_page=1000000")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25
    assert client.get("/signalen/trajecten/actief/?per_page=-1").status_code == 200


@pytest.mark.parametrize("url", ["/", "/signalen/trajecten/einde_lt_3mnd/", "/signalen/modules/start_lt_3wkn/"])
def test_a_peildatum_outside_1900_to_2100_is_a_form_error_and_today_is_used(logged_in, medewerker_epe, url):
    client = logged_in(medewerker_epe)
    for peildatum in ["31-12-9999", "01-01-0001", "9999-12-31", "31-12-1899", "01-01-2101"]:
        response = client.get(f"{url}?peildatum={peildatum}")
        assert response.status_code == 200, peildatum
        assert "Kies een datum tussen 01-01-1900 en 31-12-2100." in response.content.decode(), peildatum
        assert response.context["filters"].peildatum == timezone.localdate()


def test_the_edges_of_the_range_are_accepted(logged_in, medewerker_epe):
    client = logged_in(medewerker_epe)
    for peildatum, expected in (("01-01-1900", datetime.date(1900, 1, 1)), ("31-12-2100", datetime.date(2100, 12, 31))):
        response = client.get(f"/signalen/trajecten/einde_lt_3mnd/?peildatum={peildatum}")
        assert response.status_code == 200
        assert response.context["filters"].peildatum == expected


def test_an_impossible_date_says_how_to_write_one(logged_in, medewerker_epe):
    response = logged_in(medewerker_epe).get("/?peildatum=31-02-2025")
    assert response.status_code == 200
    assert "Vul de peildatum in als dd-mm-jjjj" in response.content.decode()

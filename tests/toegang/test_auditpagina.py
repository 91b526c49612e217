"""/audit/: the audit log as a readable page for teamleiders and beheer, of their own gemeenten."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from kandidaten.models import AuditEvent, Gemeente
from kandidaten.roles import BEHEER, TEAMLEIDER
from tests.factories import make_user

pytestmark = pytest.mark.django_db
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def teamleider_epe():
    return make_user("teamleider.epe", TEAMLEIDER, gemeenten=["Epe"])


def record_at(moment, user, actie, omschrijving, gemeente_namen, monkeypatch, **extra):
    monkeypatch.setattr(timezone, "now", lambda: moment)  # tijdstip is auto_now_add; the log cannot be edited
    gemeenten = list(Gemeente.objects.filter(naam__in=gemeente_namen))
    event = AuditEvent.record(user, actie, omschrijving, gemeenten=gemeenten, **extra)
    monkeypatch.undo()
    return event


def at(day, hour=12, minute=0):
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=AMSTERDAM)


def omschrijvingen(response):
    return [regel.omschrijving for regel in response.context["regels"]]


def test_a_teamleider_reads_who_saw_or_exported_what_of_its_gemeenten(
    logged_in, teamleider_epe, medewerker_epe, medewerker_apeldoorn, monkeypatch
):
    epe = Gemeente.objects.get(naam="Epe")
    record_at(at(2), medewerker_epe, AuditEvent.Actie.EXPORT, "Kandidatenlijst (xlsx)", ["Epe"], monkeypatch,
              aantal_rijen=31, filters={"gemeente": [str(epe.pk)], "klantprofiel": ["N"], "q": "jansen"})
    record_at(at(3), medewerker_epe, AuditEvent.Actie.KANDIDAAT_BEKEKEN, "Kandidaat 07974 (12)", ["Epe"], monkeypatch)
    record_at(at(4), medewerker_apeldoorn, AuditEvent.Actie.KANDIDAAT_BEKEKEN, "Kandidaat in Apeldoorn",
              ["Apeldoorn"], monkeypatch)
    response = logged_in(teamleider_epe).get("/audit/")
    assert response.status_code == 200
    assert omschrijvingen(response) == ["Kandidaat 07974 (12)", "Kandidatenlijst (xlsx)"]  # newest first
    html = response.content.decode()
    assert "Kandidaat in Apeldoorn" not in html and "medewerker.apeldoorn" not in html
    row = html[html.index("Kandidatenlijst (xlsx)") - 200:html.index("Kandidatenlijst (xlsx)") + 400]
    assert "02-03-2026 12:00" in row and "medewerker.epe" in row and ">31<" in row
    assert "gemeente: Epe" in row and "klantprofiel: N" in row and "zoekterm: jansen" in row  # names, not ids


def test_beheer_reads_its_gemeenten_a_medewerker_not_at_all(logged_in, medewerker_epe, monkeypatch):
    record_at(at(2), medewerker_epe, AuditEvent.Actie.KANDIDAAT_BEKEKEN, "In Epe", ["Epe"], monkeypatch)
    record_at(at(2), medewerker_epe, AuditEvent.Actie.KANDIDAAT_BEKEKEN, "In Heerde", ["Heerde"], monkeypatch)
    beheer_heerde = make_user("beheer.heerde", BEHEER, gemeenten=["Heerde"])
    assert omschrijvingen(logged_in(beheer_heerde).get("/audit/")) == ["In Heerde"]
    response = logged_in(medewerker_epe).get("/audit/")
    assert response.status_code == 403
    assert 'href="/audit/"' not in logged_in(medewerker_epe).get("/").content.decode()
    assert 'href="/audit/"' in logged_in(beheer_heerde).get("/").content.decode()


def test_filters_on_user_action_and_whole_local_days(logged_in, teamleider_epe, medewerker_epe, monkeypatch):
    collega = make_user("collega.epe", gemeenten=["Epe"])
    record_at(at(1, 23, 59), medewerker_epe, AuditEvent.Actie.EXPORT, "voor", ["Epe"], monkeypatch)
    record_at(at(2, 0, 0), medewerker_epe, AuditEvent.Actie.EXPORT, "begin", ["Epe"], monkeypatch)
    record_at(at(3, 23, 59), collega, AuditEvent.Actie.KANDIDAAT_BEKEKEN, "eind", ["Epe"], monkeypatch)
    record_at(at(4, 0, 0), medewerker_epe, AuditEvent.Actie.EXPORT, "na", ["Epe"], monkeypatch)
    client = logged_in(teamleider_epe)
    assert omschrijvingen(client.get("/audit/?van=02-03-2026&tot=03-03-2026")) == ["eind", "begin"]
    assert omschrijvingen(client.get("/audit/?actie=export&van=2026-03-02")) == ["na", "begin"]
    assert omschrijvingen(client.get("/audit/?gebruiker=COLLEGA")) == ["eind"]


def test_a_wrong_filter_is_a_visible_error_and_the_others_still_apply(
    logged_in, teamleider_epe, medewerker_epe, monkeypatch
):
    record_at(at(2), medewerker_epe, AuditEvent.Actie.EXPORT, "export", ["Epe"], monkeypatch)
    record_at(at(2), medewerker_epe, AuditEvent.Actie.KANDIDAAT_BEKEKEN, "bekeken", ["Epe"], monkeypatch)
    client = logged_in(teamleider_epe)
    for query, message in (
        ("van=31-12-9999&actie=export", "Kies een datum tussen 01-01-1900 en 31-12-2100."),
        ("tot=31-02-2026&actie=export", "Vul een datum in als dd-mm-jjjj"),
        ("van=05-03-2026&tot=01-03-2026&actie=export", "Deze datum ligt vóór de datum bij Van."),
        ("actie=alles&van=01-03-2026", "Kies een actie uit de lijst."),
    ):
        response = client.get(f"/audit/?{query}")
        assert response.status_code == 200, query
        assert message in response.content.decode(), query
    assert omschrijvingen(client.get("/audit/?van=31-12-9999&actie=export")) == ["export"]


def test_pages_come_in_the_offered_sizes_only(logged_in, teamleider_epe, medewerker_epe, django_assert_max_num_queries):
    epe = Gemeente.objects.get(naam="Epe")
    for index in range(60):
        AuditEvent.record(medewerker_epe, AuditEvent.Actie.EXPORT, f"export {index}", gemeenten=[epe],
                          filters={"gemeente": [str(epe.pk)]})
    client = logged_in(teamleider_epe)
    client.get("/audit/")  # the session and permissions warm
    with django_assert_max_num_queries(8):
        response = client.get("/audit/?per_page=1000000")
    assert len(response.context["regels"]) == 25
    response = client.get("/audit/?per_page=50&page=2")
    assert len(response.context["regels"]) == 10
    assert client.get("/audit/?page=-3").status_code == 200

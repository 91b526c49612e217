"""The audit log is read per gemeente: a record names the gemeenten of the clients it concerns, and a
teamleider or beheer reads only the records of its own gemeenten (superusers: all)."""

import datetime

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from kandidaten.models import AuditEvent, AuditGemeente, Gemeente
from kandidaten.roles import TEAMLEIDER
from kandidaten.scoping import auditregels_voor
from tests.factories import make_kandidaat, make_traject, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()  # option lists are cached per data generation, which a rolled-back test repeats


@pytest.fixture
def teamleider_epe():
    return make_user("teamleider.epe", TEAMLEIDER, gemeenten=["Epe"])


def gemeente_namen(event):
    return sorted(Gemeente.objects.filter(pk__in=AuditGemeente.objects.filter(auditevent=event)
                                          .values("gemeente_id")).values_list("naam", flat=True))


def test_a_teamleider_reads_only_records_about_its_own_gemeenten(teamleider_epe, medewerker_apeldoorn):
    epe, apeldoorn = Gemeente.objects.get(naam="Epe"), Gemeente.objects.get(naam="Apeldoorn")
    over_epe = AuditEvent.record(medewerker_apeldoorn, AuditEvent.Actie.KANDIDAAT_BEKEKEN, "Kandidaat 1",
                                 gemeenten=[epe])
    over_beide = AuditEvent.record(medewerker_apeldoorn, AuditEvent.Actie.EXPORT, "Lijst", gemeenten=[epe, apeldoorn])
    AuditEvent.record(medewerker_apeldoorn, AuditEvent.Actie.KANDIDAAT_BEKEKEN, "Kandidaat 2", gemeenten=[apeldoorn])
    zonder = AuditEvent.record(medewerker_apeldoorn, AuditEvent.Actie.IMPORT, "Import zonder gemeenten")
    assert set(auditregels_voor(teamleider_epe)) == {over_epe, over_beide}
    superuser = make_user("admin", is_superuser=True)
    assert zonder in set(auditregels_voor(superuser)) and auditregels_voor(superuser).count() == 4
    assert auditregels_voor(make_user("zonder.gemeenten", TEAMLEIDER)).count() == 0


def test_viewing_a_client_records_its_gemeente(logged_in, medewerker_epe):
    kandidaat = make_kandidaat("Epe")
    logged_in(medewerker_epe).get(f"/kandidaten/{kandidaat.pk}/")
    assert gemeente_namen(AuditEvent.objects.get(actie=AuditEvent.Actie.KANDIDAAT_BEKEKEN)) == ["Epe"]


def test_an_export_records_the_gemeenten_of_its_rows_not_of_its_scope(logged_in, teamleider):
    make_kandidaat("Epe", naam="Zoekbaar, Z.")
    make_kandidaat("Apeldoorn", naam="Ander, A.")
    client = logged_in(teamleider)  # sees Apeldoorn, Epe and Heerde
    client.get("/kandidaten/?q=Zoekbaar&_export=csv")
    client.get("/kandidaten/?_export=xlsx")
    gesprek, alles = AuditEvent.objects.filter(actie=AuditEvent.Actie.EXPORT).order_by("pk")
    assert gemeente_namen(gesprek) == ["Epe"]
    assert gemeente_namen(alles) == ["Apeldoorn", "Epe"]  # Heerde had no rows


def test_a_signal_export_records_the_gemeenten_of_its_items(logged_in, teamleider):
    make_traject(make_kandidaat("Heerde"), startdatum=datetime.date(2026, 3, 1))
    logged_in(teamleider).get("/signalen/trajecten/actief/?peildatum=15-03-2026&_export=csv")
    assert gemeente_namen(AuditEvent.objects.get(actie=AuditEvent.Actie.EXPORT)) == ["Heerde"]


def test_a_change_of_a_follow_up_is_recorded_for_the_clients_gemeente(logged_in, teamleider):
    kandidaat = make_kandidaat("Heerde")
    response = logged_in(teamleider).post(f"/kandidaten/{kandidaat.pk}/opvolging/", {"status": "contact"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(actie=AuditEvent.Actie.OPVOLGING)
    assert gemeente_namen(event) == ["Heerde"]
    assert event.filters["status"] == "contact"


def test_the_audit_admin_shows_a_teamleider_only_its_gemeenten(teamleider_epe, medewerker_apeldoorn):
    AuditEvent.record(medewerker_apeldoorn, AuditEvent.Actie.KANDIDAAT_BEKEKEN, "Kandidaat in Epe",
                      gemeenten=[Gemeente.objects.get(naam="Epe")])
    AuditEvent.record(medewerker_apeldoorn, AuditEvent.Actie.EXPORT, "Apeldoornse export",
                      gemeenten=[Gemeente.objects.get(naam="Apeldoorn")], filters={"q": "geheim"})
    client = Client()
    client.force_login(teamleider_epe)
    html = client.get("/beheer/kandidaten/auditevent/").content.decode()
    assert "Kandidaat in Epe" in html
    assert "Apeldoornse export" not in html


def test_a_teamleider_no_longer_reads_the_import_records(logged_in, teamleider):
    client = logged_in(teamleider)
    assert client.get("/beheer/kandidaten/import/").status_code == 403
    assert "/beheer/kandidaten/import/" not in client.get("/beheer/").content.decode()


def test_the_gemeenten_of_a_record_are_append_only_too(medewerker_epe):
    event = AuditEvent.record(medewerker_epe, AuditEvent.Actie.EXPORT, "Lijst",
                              gemeenten=[Gemeente.objects.get(naam="Epe")])
    apeldoorn = Gemeente.objects.get(naam="Apeldoorn")
    attempts = [event.gemeenten.clear, AuditGemeente.objects.all().delete,
                lambda: AuditGemeente.objects.update(gemeente=apeldoorn),
                lambda: AuditGemeente.objects.get().delete()]
    for attempt in attempts:
        with pytest.raises(PermissionError), transaction.atomic():  # each in its own savepoint
            attempt()
    assert gemeente_namen(event) == ["Epe"]


def test_the_gemeenten_of_an_exports_first_rows_are_those_rows_gemeenten(teamleider):
    from kandidaten.models import Kandidaat
    from kandidaten.scoping import gemeenten_van

    for naam in ("Epe", "Heerde", "Apeldoorn"):
        make_kandidaat(naam, naam=f"{naam}, A.")
    eerste_twee = Kandidaat.objects.order_by("naam").values("naam")[:2]  # Apeldoorn, Epe
    namen = set(Gemeente.objects.filter(pk__in=gemeenten_van(eerste_twee)).values_list("naam", flat=True))
    assert namen == {"Apeldoorn", "Epe"}

"""The follow-up of the profile worklist: set from the worklist (htmx and without JavaScript), by whom, kept across
imports and closed by klantprofiel J (through the real importer, messy files), filtered, exported, audited."""

import csv
import io

import pytest
from django.urls import reverse

from kandidaten.models import AuditEvent, AuditGemeente, Kandidaat, Opvolging, OpvolgingStatus, OpvolgingWijziging
from kandidaten.roles import MEDEWERKER, TEAMLEIDER
from tests.factories import make_kandidaat, make_user

from .conftest import VANDAAG, importeer, kandidaten_blad, klant, laad_team

pytestmark = pytest.mark.django_db
WERKLIJST = reverse("kandidaten:profiel_nodig")


def url(kandidaat):
    return reverse("kandidaten:opvolging", args=[kandidaat.pk])


def kandidaat(pers_nr):
    return Kandidaat.objects.get(pers_nr_sleutel=str(pers_nr))


@pytest.fixture
def begeleider():
    return make_user("a.devries", MEDEWERKER, gemeenten=["Epe", "Heerde"], begeleider_naam="A. de Vries")


@pytest.fixture
def teamleider_epe():
    return make_user("teamleider.epe", TEAMLEIDER, gemeenten=["Epe", "Heerde"])


def test_a_begeleider_sets_the_follow_up_of_her_client_from_the_worklist_without_javascript(tmp_path, logged_in,
                                                                                           begeleider):
    laad_team(tmp_path)
    client = logged_in(begeleider)
    terug = f"{WERKLIJST}?begeleider=A.+de+Vries&sort=-naam"
    response = client.post(url(kandidaat(7974)), {"status": "afspraak", "notitie": "do 10:00 op kantoor",
                                                   "datum": "15-01-2027", "terug": terug})
    assert response.status_code == 302 and response.url == terug
    stand = Opvolging.objects.get(kandidaat=kandidaat(7974))
    assert (stand.status, stand.notitie, stand.datum.isoformat(), stand.gewijzigd_door_naam) == (
        "afspraak", "do 10:00 op kantoor", "2027-01-15", "a.devries")
    page = client.get(response.url)
    assert "Opvolging van Jansen, 7974.: Afspraak gepland." in page.content.decode()  # the message
    regel = OpvolgingWijziging.objects.get(kandidaat=kandidaat(7974))
    assert (regel.status, regel.door_naam) == ("afspraak", "a.devries")
    event = AuditEvent.objects.get(actie=AuditEvent.Actie.OPVOLGING)
    assert list(AuditGemeente.objects.filter(auditevent=event).values_list("gemeente__naam", flat=True)) == ["Epe"]
    assert "do 10:00" not in str(event.filters) + event.omschrijving  # the note stays with the client


def test_from_the_row_with_htmx_the_cell_comes_back_with_a_status_message(tmp_path, logged_in, begeleider):
    laad_team(tmp_path)
    response = logged_in(begeleider).post(url(kandidaat(7975)), {"status": "contact", "terug": WERKLIJST},
                                          HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="status-' in html  # only the cell
    assert 'id="opvolging-melding"' in html and 'hx-swap-oob="true"' in html
    assert "Contact gelegd" in html and 'value="contact" selected' in html
    assert Opvolging.objects.get(kandidaat=kandidaat(7975)).status == "contact"


def test_not_possible_needs_a_reason_and_says_so_in_the_row_and_on_the_page(tmp_path, logged_in, begeleider):
    laad_team(tmp_path)
    client = logged_in(begeleider)
    cel = client.post(url(kandidaat(7975)), {"status": "niet_mogelijk", "reden": "  "}, HTTP_HX_REQUEST="true")
    assert "Geef bij ‘Niet mogelijk’ een reden." in cel.content.decode()
    assert 'aria-invalid="true"' in cel.content.decode() and "<details class=\"opvolging__meer\" open" in \
        cel.content.decode()
    pagina = client.post(url(kandidaat(7975)), {"status": "niet_mogelijk"})
    assert pagina.status_code == 200 and "Geef bij ‘Niet mogelijk’ een reden." in pagina.content.decode()
    assert not Opvolging.objects.exists() and not AuditEvent.objects.filter(actie="opvolging").exists()
    client.post(url(kandidaat(7975)), {"status": "niet_mogelijk", "reden": "werkt inmiddels"})
    assert Opvolging.objects.get().reden == "werkt inmiddels"
    client.post(url(kandidaat(7975)), {"status": "contact", "reden": "blijft niet staan"})
    assert Opvolging.objects.get().reden == ""  # a reason belongs to "niet mogelijk"


def test_a_medewerker_sets_it_for_her_own_clients_only_a_teamleider_for_every_client_in_scope(
        tmp_path, logged_in, begeleider, teamleider_epe):
    laad_team(tmp_path)
    client = logged_in(begeleider)
    assert client.post(url(kandidaat(8001)), {"status": "contact"}).status_code == 403  # J. Peters' client
    assert client.post(url(kandidaat(9001)), {"status": "contact"}).status_code == 404  # Apeldoorn
    assert "status-" not in client.get(WERKLIJST, {"begeleider": "J. Peters"}).content.decode()  # read-only rows
    assert 'id="status-' in client.get(WERKLIJST).content.decode()  # her own worklist has the forms
    assert not Opvolging.objects.exists()
    teamleider = logged_in(teamleider_epe)
    assert teamleider.post(url(kandidaat(8001)), {"status": "contact"}).status_code == 302
    assert teamleider.post(url(kandidaat(8100)), {"status": "contact"}).status_code == 302  # no begeleider
    assert Opvolging.objects.count() == 2


def test_a_client_who_no_longer_needs_a_profile_has_nothing_to_follow_up(tmp_path, logged_in, teamleider_epe):
    laad_team(tmp_path)
    response = logged_in(teamleider_epe).post(url(kandidaat(8003)), {"status": "contact"})  # klantprofiel J
    assert response.status_code == 200 and "geen profiel (meer) nodig" in response.content.decode()
    assert not Opvolging.objects.exists()


def test_kept_across_a_reimport_that_keeps_n_and_closed_by_one_that_shows_j(tmp_path, logged_in, teamleider_epe):
    laad_team(tmp_path)
    client = logged_in(teamleider_epe)
    for pers_nr, status in ((7974, "aangevraagd"), ("07975", "contact"), (8100, "afspraak")):
        assert client.post(url(kandidaat(int(pers_nr))), {"status": status}).status_code == 302
    # The next week's export, title rows and numbers as before: 7974 still N, 07975 now J (Pers. nr. 7975 as a
    # number this time), the client without a begeleider still L.
    importeer(tmp_path, "week2.xlsx", kandidaten_blad([
        klant(7974, "EPE"), klant(7975, klantprofiel="J"), klant(7976, klantprofiel="N"),
        klant(7977, " Heerde ", begeleider=" A. de Vries "),
        klant(8001, begeleider="J. Peters"), klant(8002, begeleider="J. Peters", klantprofiel="O"),
        klant(8003, begeleider="J. Peters", klantprofiel="J"),
        klant(8100, begeleider="", klantprofiel="L"), klant(8101, begeleider="", klantprofiel="L"),
        klant(9001, "Apeldoorn", begeleider="K. Apel"),
    ]), stand=VANDAAG)
    assert dict(Opvolging.objects.values_list("kandidaat__pers_nr_sleutel", "status")) == {
        "7974": "aangevraagd", "8100": "afspraak"}
    gesloten = OpvolgingWijziging.objects.get(kandidaat=kandidaat(7975), status="afgesloten")
    assert gesloten.import_run.bestandsnaam == "week2.xlsx" and gesloten.datum == VANDAAG
    event = AuditEvent.objects.filter(actie=AuditEvent.Actie.OPVOLGING).latest("pk")
    assert event.aantal_rijen == 1 and "klantprofiel J" in event.omschrijving
    assert list(AuditGemeente.objects.filter(auditevent=event).values_list("gemeente__naam", flat=True)) == ["Epe"]
    geschiedenis = client.get(url(kandidaat(7975))).content.decode()
    assert "Afgesloten: klantprofiel J" in geschiedenis and "(import)" in geschiedenis


def test_an_import_closes_follow_ups_only_in_the_gemeenten_it_speaks_for(tmp_path, rf, teamleider_epe):
    from kandidaten.services import opvolging

    epe = make_kandidaat("Epe", begeleider="A. de Vries")
    request = rf.post("/")
    request.user = teamleider_epe
    opvolging.zet(request, epe, opvolging.Stand("contact", VANDAAG))
    Kandidaat.objects.filter(pk=epe.pk).update(klantprofiel="J", profiel_nodig=False)  # not by an import
    importeer(tmp_path, "heerde.xlsx", kandidaten_blad([klant(5001, "Heerde", klantprofiel="J")]), stand=VANDAAG)
    assert Opvolging.objects.filter(kandidaat=epe).exists()  # Heerde's export says nothing about Epe
    importeer(tmp_path, "epe.xlsx", kandidaten_blad([klant(epe.pers_nr, klantprofiel="J")]), stand=VANDAAG)
    assert not Opvolging.objects.filter(kandidaat=epe).exists()


def test_the_worklist_filters_on_the_follow_up_and_exports_it(tmp_path, logged_in, teamleider_epe):
    laad_team(tmp_path)
    client = logged_in(teamleider_epe)
    client.post(url(kandidaat(7974)), {"status": "niet_mogelijk", "reden": "=HYPERLINK(\"x\")", "notitie": "belt"})
    client.post(url(kandidaat(7977)), {"status": "contact"})
    vries = {"begeleider": "A. de Vries"}

    def namen(**filters):
        return {k.pers_nr for k in client.get(WERKLIJST, {**vries, **filters}).context["page"].object_list}

    assert namen() == {"7974", "07975", "7976", "7977"}
    assert namen(opvolging="open") == {"07975", "7976"}
    assert namen(opvolging="niet_mogelijk") == {"7974"}
    assert namen(opvolging="contact", gemeente=kandidaat(7977).gemeente_id) == {"7977"}
    assert namen(sinds_voor=VANDAAG.strftime("%d-%m-%Y")) == {"7974", "07975", "7977"}  # not since today
    response = client.get(WERKLIJST, {**vries, "opvolging": "bestaat-niet"})
    assert "Kies een stand van de opvolging uit de lijst." in response.content.decode()
    export = client.get(WERKLIJST, {**vries, "_export": "csv", "sort": "pers_nr"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")), delimiter=";"))
    kop = rows[0]
    assert kop[7:] == ["Opvolging", "Reden", "Notitie", "Datum opvolging", "Opvolging gezet door"]
    per_pers_nr = {row[1]: row for row in rows[1:]}
    assert per_pers_nr["7974"][7:10] == ["Niet mogelijk", "'=HYPERLINK(\"x\")", "belt"]  # formula-safe
    assert per_pers_nr["7975"][7] == "Open"
    event = AuditEvent.objects.get(actie=AuditEvent.Actie.EXPORT)
    assert event.filters["begeleider"] == "A. de Vries" and event.aantal_rijen == 4


def test_the_client_page_of_the_follow_up_shows_its_history_with_who_and_when(tmp_path, logged_in, begeleider):
    laad_team(tmp_path)
    client = logged_in(begeleider)
    client.post(url(kandidaat(7974)), {"status": "contact"})
    client.post(url(kandidaat(7974)), {"status": "aangevraagd", "notitie": "via werkcoach"})
    client.post(url(kandidaat(7974)), {"status": "aangevraagd", "notitie": "via werkcoach"})  # nothing changed
    assert OpvolgingWijziging.objects.filter(kandidaat=kandidaat(7974)).count() == 2
    assert AuditEvent.objects.filter(actie=AuditEvent.Actie.OPVOLGING).count() == 2
    html = client.get(url(kandidaat(7974))).content.decode()
    assert html.count("a.devries") >= 2 and "Profiel aangevraagd" in html and "Contact gelegd" in html
    collega = make_user("j.peters", MEDEWERKER, gemeenten=["Epe"], begeleider_naam="J. Peters")
    alleen_lezen = logged_in(collega).get(url(kandidaat(7974))).content.decode()
    assert "Profiel aangevraagd" in alleen_lezen and 'name="status"' not in alleen_lezen


def test_the_way_back_after_saving_stays_on_this_site(tmp_path, logged_in, begeleider):
    laad_team(tmp_path)
    response = logged_in(begeleider).post(url(kandidaat(7974)), {"status": "contact",
                                                                  "terug": "https://elders.example/"})
    assert response.url.startswith(WERKLIJST) and "begeleider=A.+de+Vries" in response.url


def test_a_status_outside_the_list_is_refused(tmp_path, logged_in, begeleider):
    laad_team(tmp_path)
    response = logged_in(begeleider).post(url(kandidaat(7974)), {"status": "afgesloten"})
    assert response.status_code == 200 and not Opvolging.objects.exists()
    assert OpvolgingStatus.OPEN.label in response.content.decode()

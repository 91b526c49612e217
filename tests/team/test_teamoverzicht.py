"""The team overview /team/: per begeleider the numbers of the panel and the worklist, each a link to exactly that
many rows; in scope; sortable; exported and audited; stored per gemeente like the panel, the follow-up live."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from kandidaten.models import AuditEvent, AuditGemeente, Gemeente, Kandidaat, OpvolgingStatus, TeamTelling
from kandidaten.models.kandidaat import GEEN_BEGELEIDER
from kandidaten.roles import BEHEER, MEDEWERKER, TEAMLEIDER
from kandidaten.scoping import Scope
from kandidaten.selectors import kandidaten as kandidaten_selectors
from kandidaten.services import opvolging, paneeltellingen
from tests.factories import make_user

from .conftest import DAG, VANDAAG, getal, laad_team, links_in_tabellen

pytestmark = pytest.mark.django_db
URL = reverse("team")


@pytest.fixture
def teamleider_epe():
    return make_user("teamleider.epe", TEAMLEIDER, gemeenten=["Epe", "Heerde"])


def rijen(response):
    return {rij.begeleider: rij for rij in response.context["team_rijen"]}


def zet(user, pers_nr, status, dagen_geleden=0, reden=""):
    from django.test import RequestFactory

    request = RequestFactory().post("/")
    request.user = user
    kandidaat = Kandidaat.objects.get(pers_nr_sleutel=str(pers_nr))
    opvolging.zet(request, kandidaat, opvolging.Stand(status, VANDAAG - dagen_geleden * DAG, reden=reden))


def aantal_in_lijst(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def test_every_number_opens_a_list_of_exactly_that_many_rows(tmp_path, logged_in, teamleider_epe):
    laad_team(tmp_path)
    zet(teamleider_epe, 7974, OpvolgingStatus.CONTACT)
    zet(teamleider_epe, 8002, OpvolgingStatus.NIET_MOGELIJK, reden="verhuisd")
    client = logged_in(teamleider_epe)
    for query in ({}, {"peildatum": (VANDAAG + 5 * DAG).strftime("%d-%m-%Y")},
                  {"gemeente": Gemeente.objects.get(naam="Heerde").pk}):
        links = links_in_tabellen(client.get(URL, query).content.decode())
        getallen = [(url, label, tekst) for url, label, tekst in links if "(" not in tekst]
        assert len(getallen) > 10, query
        for url, label, tekst in getallen:
            assert aantal_in_lijst(client, url) == getal(tekst), (query, label, url)


def test_the_numbers_are_the_panels_and_the_worklists_per_begeleider(tmp_path, logged_in, teamleider_epe):
    laad_team(tmp_path)
    zet(teamleider_epe, 8001, OpvolgingStatus.AFSPRAAK)
    response = logged_in(teamleider_epe).get(URL)
    per_begeleider = rijen(response)
    assert set(per_begeleider) == {"A. de Vries", "J. Peters", GEEN_BEGELEIDER}  # Epe and Heerde, not Apeldoorn
    scope = Scope(teamleider_epe)
    for naam, rij in per_begeleider.items():
        assert rij.profiel_nodig == kandidaten_selectors.werklijst(scope, naam).count()
        for status in OpvolgingStatus:
            assert rij.opvolging[status] == kandidaten_selectors.werklijst(scope, naam, opvolging=status).count()
    vries = per_begeleider["A. de Vries"]
    assert (vries.kandidaten, vries.profiel_nodig, vries.wacht_lang) == (4, 4, 3)  # 7976 needs one since today
    assert vries.signalen == {"trajecten-signaal_verstreken": 2, "trajecten-einde_lt_3mnd": 2,
                              "trajecten-zonder_actieve_module": 1, "modules-signaal_verstreken": 1,
                              "modules-einde_lt_3mnd": 1}
    # Summed over the begeleiders: the panel's numbers and the whole worklist.
    paneel = paneeltellingen.aantallen(scope, VANDAAG)
    totaal = response.context["team_totaal"]
    for sleutel, aantal in totaal.signalen.items():
        groep, teller = sleutel.split("-")
        assert aantal == paneel[groep][teller] == sum(rij.signalen[sleutel] for rij in per_begeleider.values())
    assert totaal.profiel_nodig == kandidaten_selectors.kandidaten(scope).profiel_nodig().count() == 8
    assert totaal.opvolging == {"open": 7, "contact": 0, "afspraak": 1, "aangevraagd": 0, "niet_mogelijk": 0}


def test_waiting_more_than_four_weeks_is_counted_at_the_peildatum_from_the_history(tmp_path, logged_in,
                                                                                   teamleider_epe):
    laad_team(tmp_path)  # the first import's clients need a profile since 40 days ago, 7976 since today
    client = logged_in(teamleider_epe)
    assert rijen(client.get(URL))["A. de Vries"].wacht_lang == 3
    over_twaalf_dagen = (VANDAAG + 12 * DAG).strftime("%d-%m-%Y")  # 40 + 12 > 28, but 0 + 12 is not
    assert rijen(client.get(URL, {"peildatum": over_twaalf_dagen}))["A. de Vries"].wacht_lang == 3
    over_dertig_dagen = (VANDAAG + 30 * DAG).strftime("%d-%m-%Y")
    assert rijen(client.get(URL, {"peildatum": over_dertig_dagen}))["A. de Vries"].wacht_lang == 4
    eerder = (VANDAAG - 20 * DAG).strftime("%d-%m-%Y")  # 40 - 20 = 20 days: not yet four weeks
    assert rijen(client.get(URL, {"peildatum": eerder}))["A. de Vries"].wacht_lang == 0


def test_the_oldest_open_one_skips_clients_whose_follow_up_is_under_way(tmp_path, logged_in, teamleider_epe):
    laad_team(tmp_path)
    client = logged_in(teamleider_epe)
    assert rijen(client.get(URL))["A. de Vries"].oudste_open == VANDAAG - 40 * DAG
    assert rijen(client.get(URL))["A. de Vries"].oudste_open_onbekend  # since our first import: perhaps longer
    for pers_nr in (7974, 7975, 7977):  # every client waiting since the first import
        zet(teamleider_epe, pers_nr, OpvolgingStatus.AANGEVRAAGD)
    vries = rijen(client.get(URL))["A. de Vries"]
    assert (vries.oudste_open, vries.oudste_open_onbekend) == (VANDAAG, False)  # 7976, since today's import
    assert vries.opvolging["aangevraagd"] == 3 and vries.opvolging["open"] == 1
    zet(teamleider_epe, 7976, OpvolgingStatus.OPEN)  # set back to open: counts as open again
    assert rijen(client.get(URL))["A. de Vries"].opvolging["open"] == 1


def test_a_follow_up_shows_at_once_while_the_data_counts_stay_stored(tmp_path, logged_in, teamleider_epe,
                                                                     django_assert_max_num_queries):
    laad_team(tmp_path)
    client = logged_in(teamleider_epe)
    client.get(URL)
    opgeslagen = TeamTelling.objects.count()
    assert opgeslagen == 2  # Epe and Heerde
    zet(teamleider_epe, 8001, OpvolgingStatus.CONTACT)
    with django_assert_max_num_queries(8):  # session, user, permissions, options, stored counts, follow-up
        response = client.get(URL)
    assert rijen(response)["J. Peters"].opvolging["contact"] == 1
    assert TeamTelling.objects.count() == opgeslagen


def test_an_import_makes_the_stored_counts_stale(tmp_path, logged_in, teamleider_epe):
    from .conftest import importeer, kandidaten_blad, klant

    laad_team(tmp_path)
    client = logged_in(teamleider_epe)
    assert rijen(client.get(URL))["J. Peters"].kandidaten == 3
    importeer(tmp_path, "erbij.xlsx", kandidaten_blad([klant(8001, begeleider="J. Peters"),
                                                       klant(8002, begeleider="J. Peters", klantprofiel="O"),
                                                       klant(8003, begeleider="J. Peters", klantprofiel="J"),
                                                       klant(8004, begeleider="J. Peters")]), stand=VANDAAG)
    assert rijen(client.get(URL))["J. Peters"].kandidaten == 4


@pytest.mark.parametrize(("rol", "status"), [(MEDEWERKER, 403), (TEAMLEIDER, 200), (BEHEER, 200)])
def test_teamleiders_and_beheer_see_it_medewerkers_do_not(logged_in, rol, status):
    user = make_user("gebruiker", rol, gemeenten=["Epe"])
    assert logged_in(user).get(URL).status_code == status
    menu = logged_in(user).get("/").content.decode()
    assert (f'href="{URL}"' in menu) is (status == 200)


def test_a_teamleider_of_epe_sees_epes_begeleiders_only(tmp_path, logged_in):
    laad_team(tmp_path)
    epe = make_user("teamleider.alleen.epe", TEAMLEIDER, gemeenten=["Epe"])
    response = logged_in(epe).get(URL)
    per_begeleider = rijen(response)
    assert set(per_begeleider) == {"A. de Vries", "J. Peters", GEEN_BEGELEIDER}
    assert per_begeleider["A. de Vries"].kandidaten == 3  # the Heerde client is not Epe's
    assert "K. Apel" not in response.content.decode()
    andere = make_user("teamleider.apeldoorn", TEAMLEIDER, gemeenten=["Apeldoorn"])
    assert set(rijen(logged_in(andere).get(URL))) == {"K. Apel"}
    heerde = Gemeente.objects.get(naam="Heerde").pk
    assert logged_in(andere).get(URL, {"gemeente": heerde}).context["form"].errors  # not its gemeente: refused
    assert set(rijen(logged_in(andere).get(URL, {"gemeente": heerde}))) == {"K. Apel"}


def test_sorted_on_any_column_with_no_begeleider_last_by_name(tmp_path, logged_in, teamleider_epe):
    laad_team(tmp_path)
    client = logged_in(teamleider_epe)
    namen = [rij.begeleider for rij in client.get(URL).context["team_rijen"]]
    assert namen == ["A. de Vries", "J. Peters", GEEN_BEGELEIDER]
    namen = [rij.begeleider for rij in client.get(URL, {"sort": "-begeleider"}).context["team_rijen"]]
    assert namen == ["J. Peters", "A. de Vries", GEEN_BEGELEIDER]
    aflopend = client.get(URL, {"sort": "-kandidaten"})
    assert [rij.kandidaten for rij in aflopend.context["team_rijen"]] == [4, 3, 2]
    assert 'aria-sort="descending"' in aflopend.content.decode()
    assert [rij.begeleider for rij in client.get(URL, {"sort": "bestaat-niet"}).context["team_rijen"]][0] == \
        "A. de Vries"


def test_the_export_has_every_row_and_the_total_and_is_audited_with_the_gemeenten(tmp_path, logged_in,
                                                                                 teamleider_epe):
    laad_team(tmp_path)
    response = logged_in(teamleider_epe).get(URL, {"_export": "xlsx", "sort": "-kandidaten"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Begeleider", "Kandidaten", "Profiel nodig", "waarvan > 4 weken")
    assert [row[0] for row in rows[1:]] == ["A. de Vries", "J. Peters", GEEN_BEGELEIDER, "Totaal"]
    assert rows[-1][1] == 9 and rows[1][1] == 4
    event = AuditEvent.objects.get(actie=AuditEvent.Actie.EXPORT)
    assert event.aantal_rijen == 4 and event.filters["sort"] == "-kandidaten"
    gemeenten = AuditGemeente.objects.filter(auditevent=event).values_list("gemeente__naam", flat=True)
    assert sorted(gemeenten) == ["Epe", "Heerde"]


def test_a_user_without_the_export_right_cannot_export(tmp_path, logged_in, teamleider_epe):
    from django.contrib.auth.models import Permission

    laad_team(tmp_path)
    teamleider_epe.groups.first().permissions.remove(Permission.objects.get(codename="export_kandidaat"))
    client = logged_in(type(teamleider_epe).objects.get(pk=teamleider_epe.pk))
    assert client.get(URL, {"_export": "xlsx"}).status_code == 403
    assert "_export=xlsx" not in client.get(URL).content.decode()


def test_a_wrong_peildatum_is_said_and_today_is_used(tmp_path, logged_in, teamleider_epe):
    laad_team(tmp_path)
    response = logged_in(teamleider_epe).get(URL, {"peildatum": "31-02-2026"})
    assert response.status_code == 200
    assert response.context["peildatum"] == VANDAAG
    assert "De peildatum is nu vandaag." in response.content.decode()


def test_the_last_peildatum_there_is_counts_as_the_panel_does(tmp_path, logged_in, teamleider_epe):
    laad_team(tmp_path)
    response = logged_in(teamleider_epe).get(URL, {"peildatum": "31-12-2100"})
    assert response.context["peildatum"] == datetime.date(2100, 12, 31)
    totaal = response.context["team_totaal"].signalen
    paneel = paneeltellingen.aantallen(Scope(teamleider_epe), datetime.date(2100, 12, 31))
    assert totaal["trajecten-signaal_verstreken"] == paneel["trajecten"]["signaal_verstreken"] == 2  # no end date
    assert totaal["trajecten-einde_lt_3mnd"] == paneel["trajecten"]["einde_lt_3mnd"] == 0

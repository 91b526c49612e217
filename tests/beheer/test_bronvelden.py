"""What the import writes is read-only in the admin, with a line saying where to correct it (issue #17): the pages
still open, every field the export fills is shown under that line, and a POST that tries to change one changes
nothing, for a teamleider and for a superuser."""

import datetime

import pytest
from django.test import Client

from kandidaten.admin import BRON_REGEL, bronvelden
from kandidaten.importing.types import TYPES
from kandidaten.models import AuditEvent, Datastand, Gebruiker, Gemeente, Kandidaat, Module, Plaatsing, Traject
from kandidaten.roles import TEAMLEIDER
from tests.factories import make_kandidaat, make_module, make_plaatsing, make_traject, make_user

pytestmark = pytest.mark.django_db
BEGIN_VAN_DE_REGEL = BRON_REGEL.split("{")[0]


@pytest.fixture
def teamleider_epe():
    return make_user("teamleider.epe", TEAMLEIDER, gemeenten=["Epe"])


@pytest.fixture
def superuser():
    user = make_user("admin", is_superuser=True)
    Gebruiker.objects.filter(pk=user.pk).update(is_staff=True)
    return Gebruiker.objects.get(pk=user.pk)


@pytest.fixture
def records():
    kandidaat = make_kandidaat("Epe", begeleider="A. de Vries", klantprofiel="N")
    traject = make_traject(kandidaat, signaaldatum=datetime.date(2026, 3, 1))
    return {"kandidaat": kandidaat, "traject": traject, "module": make_module(kandidaat, traject=traject),
            "plaatsing": make_plaatsing(kandidaat, werkgever="Bakkerij De Vries")}


POGINGEN = {
    "kandidaat": {"begeleider": "C. Corrector", "klantprofiel": "J", "naam": "Anders, A.", "gemeente": "Apeldoorn"},
    "traject": {"uitvoerende": "Iemand anders", "signaaldatum": "01-01-2030", "traject_id": "T-nieuw"},
    "module": {"opgeschort": "on", "einddatum": "01-01-2020"},
    "plaatsing": {"werkgever": "Elders BV", "functie": "Directeur"},
}


def waarden(record):
    return type(record).objects.filter(pk=record.pk).values().get()


def login(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/")  # the CSRF cookie
    return client


@pytest.mark.parametrize("naam", list(POGINGEN))
@pytest.mark.parametrize("wie", ["teamleider_epe", "superuser"])
def test_a_post_that_tries_to_change_a_source_field_changes_nothing(request, records, naam, wie):
    client = login(request.getfixturevalue(wie))
    record = records[naam]
    voor, generatie = waarden(record), Datastand.huidige()
    pogingen = dict(POGINGEN[naam])
    if "gemeente" in pogingen:
        pogingen["gemeente"] = Gemeente.objects.get(naam=pogingen["gemeente"]).pk
    response = client.post(f"/beheer/kandidaten/{naam}/{record.pk}/change/",
                           {**pogingen, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 403
    assert waarden(record) == voor
    assert Datastand.huidige() == generatie  # nothing saved: the panel's counts stay valid
    assert not AuditEvent.objects.filter(actie=AuditEvent.Actie.GEWIJZIGD).exists()


@pytest.mark.parametrize("naam", list(POGINGEN))
def test_the_change_page_shows_every_field_the_export_fills_under_the_line(logged_in, teamleider_epe, records, naam):
    record = records[naam]
    response = logged_in(teamleider_epe).get(f"/beheer/kandidaten/{naam}/{record.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert BEGIN_VAN_DE_REGEL in html
    assert "een wijziging hier zou bij de volgende import worden overschreven" in html
    fieldsets = response.context["adminform"].model_admin.get_fieldsets(response.wsgi_request, record)
    getoond = fieldsets[0][1]["fields"]
    export_type = next(t for t in TYPES.values() if t.model is type(record))
    assert getoond == bronvelden(export_type)
    assert set(getoond) >= {kolom.field for kolom in export_type.columns} - {"pers_nr"} | (
        {"pers_nr"} if naam == "kandidaat" else {"kandidaat"})
    for veld in getoond:
        assert f'name="{veld}"' not in html  # shown, not an input


def test_a_teamleider_is_told_where_a_begeleider_is_reassigned(logged_in, teamleider_epe, records):
    html = logged_in(teamleider_epe).get(f"/beheer/kandidaten/kandidaat/{records['kandidaat'].pk}/change/")
    assert "Een andere begeleider wijst u toe in Compas" in html.content.decode()
    assert "opvolging in de werklijst Profiel nodig" in html.content.decode()


@pytest.mark.parametrize("naam", list(POGINGEN))
def test_clients_and_items_come_through_the_import_only(logged_in, superuser, naam):
    client = logged_in(superuser)
    assert client.get(f"/beheer/kandidaten/{naam}/add/").status_code == 403
    assert client.post(f"/beheer/kandidaten/{naam}/add/", {"naam": "Nieuw"}).status_code == 403


def test_a_superuser_may_still_delete_a_client_with_nothing_attached(logged_in, superuser):
    kandidaat = make_kandidaat("Epe")
    response = logged_in(superuser).post(f"/beheer/kandidaten/kandidaat/{kandidaat.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Kandidaat.objects.filter(pk=kandidaat.pk).exists()


def test_the_lists_still_open_and_show_no_add_button(logged_in, teamleider_epe, records):
    client = logged_in(teamleider_epe)
    for model in (Kandidaat, Traject, Module, Plaatsing):
        response = client.get(f"/beheer/kandidaten/{model._meta.model_name}/")
        assert response.status_code == 200
        assert f"/beheer/kandidaten/{model._meta.model_name}/add/" not in response.content.decode()

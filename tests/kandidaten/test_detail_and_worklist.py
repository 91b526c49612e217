"""The client page and the "profiel nodig" worklist."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from kandidaten.models import AuditEvent, Import, KandidaatWijziging
from tests.factories import make_kandidaat, make_module, make_traject

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_options():
    cache.clear()  # option lists are cached per data generation, which a rolled-back test repeats


def test_client_page_shows_fields_flags_with_reasons_history_and_items(logged_in, medewerker_epe):
    today = datetime.date.today()
    kandidaat = make_kandidaat("Epe", naam="Willems, J.", klantprofiel="N", participatieladder="04 met groeipotentieel",
                               ladder_trede=4)
    run = Import.objects.create(bestandsnaam="week47.xlsx", status=Import.Status.TOEGEPAST)
    KandidaatWijziging.objects.create(kandidaat=kandidaat, import_run=run, datum=today, veld="klantprofiel",
                                      oud="L", nieuw="N")
    make_traject(kandidaat, traject_id="T9", startdatum=today - datetime.timedelta(days=5),
                 signaaldatum=today - datetime.timedelta(days=1))
    make_module(kandidaat, module_id="M9", startdatum=today, signaaldatum=today + datetime.timedelta(days=10))
    response = logged_in(medewerker_epe).get(reverse("kandidaten:detail", args=[kandidaat.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "telt mee in Sonar: DGR Ja, banenafspraak Ja, status Open" in content
    assert "4 Onbetaald werk, met groeipotentieel" in content
    assert "week47.xlsx" in content and ">L<" in content
    assert "Signaaldatum verstreken" in content and "Signaal binnen 4 weken" in content
    event = AuditEvent.objects.get(actie=AuditEvent.Actie.KANDIDAAT_BEKEKEN)
    assert event.omschrijving == f"Kandidaat {kandidaat.pers_nr} ({kandidaat.pk})"


def test_client_of_another_gemeente_is_404(logged_in, medewerker_epe):
    other = make_kandidaat("Apeldoorn")
    assert logged_in(medewerker_epe).get(reverse("kandidaten:detail", args=[other.pk])).status_code == 404
    assert not AuditEvent.objects.exists()


def test_worklist_is_the_begeleiders_clients_needing_a_profile_longest_waiting_first(logged_in, medewerker_epe):
    old = make_kandidaat("Epe", naam="Oud", begeleider="A. de Vries", profiel_nodig_sinds=datetime.date(2025, 1, 1))
    new = make_kandidaat("Epe", naam="Nieuw", begeleider="A. de Vries", profiel_nodig_sinds=datetime.date(2026, 6, 1))
    make_kandidaat("Epe", naam="Heeft profiel", begeleider="A. de Vries", klantprofiel="J")
    make_kandidaat("Epe", naam="Ander", begeleider="J. Peters")
    response = logged_in(medewerker_epe).get(reverse("kandidaten:profiel_nodig"))
    assert [k.naam for k in response.context["page"].object_list] == [old.naam, new.naam]
    assert response.context["overview"] == []  # a medewerker gets only the own list


def test_teamleider_sees_counts_per_begeleider_linking_to_the_list(logged_in, teamleider):
    for profiel in "NNJ":
        make_kandidaat("Epe", begeleider="A. de Vries", klantprofiel=profiel)
    make_kandidaat("Heerde", begeleider="L. Visser", klantprofiel="J")
    response = logged_in(teamleider).get(reverse("kandidaten:profiel_nodig"))
    rows = {row.begeleider: row for row in response.context["overview"]}
    assert (rows["A. de Vries"].profiel_nodig, rows["A. de Vries"].telt_in_sonar) == (2, 3)
    assert rows["A. de Vries"].aandeel_met_profiel == 33
    assert "begeleider=A.%20de%20Vries&amp;profiel_nodig=ja" in response.content.decode()

"""Uitvoerende: one rule (part of the name, case and accents ignored, several at once) for the panel, its
drill-downs, the candidate list and `manage.py signalen --uitvoerende`."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from kandidaten.selectors.keuzes import passende_uitvoerenden
from kandidaten.selectors.signalen import SYSTEEM, Vernauwing
from kandidaten.services.paneeltellingen import aantallen
from tests.factories import make_kandidaat, make_module, make_plaatsing, make_traject

P = datetime.date(2026, 3, 15)
DAG = datetime.timedelta(days=1)
BEKEND = ["Alrijde B", "ALRIJDE C", "Alrijde-Noord", "Lumen", "Öztürk Coaching", "Werkplein Alrijde"]


@pytest.mark.parametrize(("termen", "expected"), [
    (["alrijde"], ["Alrijde B", "ALRIJDE C", "Alrijde-Noord", "Werkplein Alrijde"]),
    (["  ALRIJDE   b "], ["Alrijde B"]),  # stray spaces and capitals, as typed
    (["ozturk"], ["Öztürk Coaching"]),  # accents folded
    (["Öztürk"], ["Öztürk Coaching"]),
    (["lumen", "noord"], ["Alrijde-Noord", "Lumen"]),  # several at once, in the list's order
    (["bestaat niet"], []),
    (["", "  "], []),
])
def test_a_term_finds_every_uitvoerende_that_contains_it(termen, expected):
    assert passende_uitvoerenden(termen, BEKEND) == expected


@pytest.fixture
def items():
    epe, apeldoorn = make_kandidaat("Epe", naam="Epe, E."), make_kandidaat("Apeldoorn", naam="Apel, A.")
    make_traject(epe, startdatum=P - 5 * DAG, uitvoerende="Alrijde B")
    make_traject(apeldoorn, startdatum=P - 5 * DAG, signaaldatum=P - DAG, uitvoerende="ALRIJDE C")
    make_module(epe, startdatum=P - 5 * DAG, uitvoerende="Lumen")
    make_plaatsing(apeldoorn, startdatum=P - 5 * DAG, uitvoerende="Öztürk Coaching")
    make_traject(make_kandidaat("Heerde", naam="Heer, H."), startdatum=P - 5 * DAG, uitvoerende="Beta")


@pytest.mark.django_db
def test_the_panel_counts_the_items_of_every_uitvoerende_the_terms_find(items):
    def actief(*termen):
        counts = aantallen(SYSTEEM, P, Vernauwing(uitvoerende=termen))
        return counts["trajecten"]["actief"], counts["modules"]["actief"], counts["plaatsingen"]["actief"]

    assert actief("alrijde") == (2, 0, 0)  # typing "alrijde" no longer turns every tile to 0
    assert actief("Alrijde B") == (1, 0, 0)
    assert actief("alrijde", "LUMEN", "ozturk") == (2, 1, 1)
    assert actief("niemand") == (0, 0, 0)


@pytest.mark.django_db
def test_the_command_applies_the_same_rule(items):
    out = io.StringIO()
    call_command("signalen", "--peildatum", "2026-03-15", "--uitvoerende", "alrijde", "--uitvoerende", "lumen",
                 "--csv", stdout=out)
    counts = {(g, t): int(n) for g, t, n in list(csv.reader(io.StringIO(out.getvalue())))[1:]}
    assert (counts[("trajecten", "actief")], counts[("modules", "actief")]) == (2, 1)
    text = io.StringIO()
    call_command("signalen", "--peildatum", "2026-03-15", "--uitvoerende", "alrijde", stdout=text)
    assert "alrijde -> Alrijde B, ALRIJDE C" in text.getvalue()


@pytest.mark.django_db
def test_the_panel_page_says_when_a_term_finds_no_uitvoerende(items, teamleider, logged_in):
    client = logged_in(teamleider)
    found = client.get("/", {"peildatum": "15-03-2026", "uitvoerende": "alrijde"}).content.decode()
    assert "Geen uitvoerende gevonden" not in found
    missing = client.get("/", {"peildatum": "15-03-2026", "uitvoerende": ["alrijde", "xyz"]}).content.decode()
    assert "Geen uitvoerende gevonden met ‘xyz’" in missing


@pytest.mark.django_db
def test_the_drill_down_and_the_candidate_list_narrow_alike(items, teamleider, logged_in):
    client = logged_in(teamleider)
    drill = client.get(reverse("signalen:lijst", args=["trajecten", "actief"]),
                       {"peildatum": "15-03-2026", "uitvoerende": "alrijde"})
    assert drill.context["page"].paginator.count == 2
    assert {row["uitvoerende"] for row in drill.context["page"].object_list} == {"Alrijde B", "ALRIJDE C"}
    # The list: clients with an item of those uitvoerenden active today (the factory's items started on P).
    listed = client.get(reverse("kandidaten:lijst"), {"uitvoerende": ["alrijde", "ozturk"], "sort": "naam"})
    assert [row.record.naam for row in listed.context["table"].paginated_rows] == ["Apel, A.", "Epe, E."]

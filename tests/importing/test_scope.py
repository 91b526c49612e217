"""An import touches only clients of the importing user's gemeenten; the system imports for every gemeente."""

import io

import pytest
from django.core.management import call_command

from kandidaten.importing import import_file
from kandidaten.models import Gemeente, Kandidaat, Traject
from kandidaten.roles import BEHEER
from tests.factories import make_user

from .files import kandidaat_row, kandidaten_xlsx, xlsx

pytestmark = pytest.mark.django_db

TRAJECT_HEADER = ["Pers. nr.", "Traject-ID", "Startdatum", "Uitvoerende"]


@pytest.fixture
def beheer_epe():
    return make_user("beheer.epe", BEHEER, gemeenten=["Epe"])


def load(path, **kwargs):
    return import_file(path, original_name=path.name, **kwargs)


def stored():
    return sorted(Kandidaat.objects.values_list("pers_nr", "gemeente__naam", "klantprofiel", "in_bron"))


def errors(outcome, sheet=0):
    return {(e["row"], e["column"], e["value"]): e["message"] for e in outcome.sheets[sheet]["first_errors"]}


def test_rows_of_other_gemeenten_are_row_errors_naming_the_gemeente(tmp_path, beheer_epe):
    path = kandidaten_xlsx(tmp_path / "gemengd.xlsx", [
        kandidaat_row("1", gemeente="Epe"), kandidaat_row(2.0, gemeente="EPE "),
        kandidaat_row("3", gemeente="s Gravenhage"), kandidaat_row("4", gemeente="Atlantis"),
        kandidaat_row("5", gemeente="BERGEN NH"),
    ], title_rows=2)
    outcome = load(path, user=beheer_epe)
    assert (outcome.status, outcome.exit_code) == ("refused", 1)
    outside = "valt buiten de gemeenten waarvoor u mag importeren"
    assert errors(outcome) == {
        (6, "Bet. gemeente", "s Gravenhage"): f"gemeente 's-Gravenhage {outside}",
        (7, "Bet. gemeente", "Atlantis"): f"gemeente Onbekend {outside}",
        (8, "Bet. gemeente", "BERGEN NH"): f"gemeente Bergen (NH.) {outside}",
    }
    assert Kandidaat.objects.count() == 0
    outcome = load(path, user=beheer_epe, skip_invalid=True)
    assert stored() == [("1", "Epe", "N", True), ("2", "Epe", "N", True)]
    assert outcome.sheets[0]["gemeenten"] == [Gemeente.objects.get(naam="Epe").pk]


def test_onbekend_is_in_scope_only_for_a_user_who_has_it(tmp_path):
    user = make_user("beheer.onbekend", BEHEER, gemeenten=["Epe", "Onbekend"])
    outcome = load(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("4", gemeente="Atlantis")]), user=user)
    assert outcome.status == "applied", outcome.message
    assert stored() == [("4", "Onbekend", "N", True)]


def test_an_unchanged_row_of_another_gemeente_is_still_refused_and_nothing_of_it_goes_gone(tmp_path, beheer_epe):
    rows = [kandidaat_row(str(number), gemeente=("Epe", "Heerde")[number % 2]) for number in range(1, 41)]
    load(kandidaten_xlsx(tmp_path / "alles.xlsx", rows))  # the system: every gemeente
    before = stored()
    # The same rows for the Epe user, two of Heerde's and one of Epe's left out.
    outcome = load(kandidaten_xlsx(tmp_path / "epe.xlsx", rows[3:]), user=beheer_epe, skip_invalid=True)
    summary = outcome.sheets[0]
    assert summary["error_rows"] == 18  # Heerde's 18 rows of 20
    assert {e["column"] for e in summary["first_errors"]} == {"Bet. gemeente"}
    assert (summary["unchanged"], summary["gone"], summary["existing"]) == (19, 1, 20)
    gone = [row for row in stored() if not row[3]]
    assert gone == [("2", "Epe", "N", False)]
    assert [row for row in stored() if row[1] == "Heerde"] == [row for row in before if row[1] == "Heerde"]


def test_a_client_of_another_gemeente_is_not_pulled_into_the_users_gemeente(tmp_path, beheer_epe):
    load(kandidaten_xlsx(tmp_path / "a.xlsx", [kandidaat_row("7", gemeente="Heerde")]))
    outcome = load(kandidaten_xlsx(tmp_path / "b.xlsx", [kandidaat_row("7", gemeente="Epe", klantprofiel="J")]),
                   user=beheer_epe)
    assert errors(outcome) == {(2, "Pers. nr.", "7"): "deze kandidaat hoort bij gemeente Heerde, buiten de gemeenten "
                                                       "waarvoor u mag importeren"}
    assert stored() == [("7", "Heerde", "N", True)]


def test_items_of_clients_of_other_gemeenten_are_row_errors_and_stay_untouched(tmp_path, beheer_epe):
    load(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row(str(n), gemeente=("Epe", "Heerde")[n % 2])
                                               for n in range(1, 21)]))
    trajecten = [[str(n), f"T{n}", "01-01-2026", "Alrijde B"] for n in range(1, 21)]
    load(xlsx(tmp_path / "t.xlsx", {"Trajecten": [TRAJECT_HEADER, *trajecten]}))
    changed = [[client, key, start, "Alrijde C"] for client, key, start, _ in trajecten[1:]]  # T1 (Heerde) left out
    outcome = load(xlsx(tmp_path / "t2.xlsx", {"Trajecten": [TRAJECT_HEADER, *changed]}), user=beheer_epe,
                   skip_invalid=True)
    summary = outcome.sheets[0]
    assert (summary["changed"], summary["error_rows"], summary["gone"]) == (10, 9, 0)
    assert summary["first_errors"][0]["message"] == ("deze kandidaat hoort bij gemeente Heerde, buiten de gemeenten "
                                                     "waarvoor u mag importeren")
    assert set(Traject.objects.filter(kandidaat__gemeente__naam="Heerde").values_list("uitvoerende", "in_bron")) == {
        ("Alrijde B", True)}
    assert set(Traject.objects.filter(kandidaat__gemeente__naam="Epe").values_list("uitvoerende", flat=True)) == {
        "Alrijde C"}
    assert summary["gemeenten"] == [Gemeente.objects.get(naam="Epe").pk]


def test_a_superuser_and_the_system_import_for_every_gemeente(tmp_path):
    admin = make_user("admin", is_superuser=True)
    rows = [kandidaat_row("1", gemeente="Zwolle"), kandidaat_row("2", gemeente="Atlantis")]
    assert load(kandidaten_xlsx(tmp_path / "a.xlsx", rows), user=admin).status == "applied"
    assert load(kandidaten_xlsx(tmp_path / "b.xlsx", [*rows, kandidaat_row("3", gemeente="Epe")])).status == "applied"
    assert [row[1] for row in stored()] == ["Zwolle", "Onbekend", "Epe"]


def test_the_command_line_acts_with_the_scope_of_its_user(tmp_path, beheer_epe):
    path = kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1", gemeente="Epe"),
                                                 kandidaat_row("2", gemeente="Zwolle")])
    out = io.StringIO()
    with pytest.raises(SystemExit) as refused:
        call_command("importeer", str(path), "--user", "beheer.epe", stdout=out)
    assert refused.value.code == 1
    assert "gemeente Zwolle valt buiten de gemeenten waarvoor u mag importeren" in out.getvalue()
    call_command("importeer", str(path), stdout=io.StringIO())
    assert [row[1] for row in stored()] == ["Epe", "Zwolle"]

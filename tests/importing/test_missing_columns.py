"""A column the file does not have never clears what is stored; a missing required column refuses the file."""

import pytest

from kandidaten.importing import import_file
from kandidaten.models import Kandidaat, KandidaatWijziging, Module

from .files import KANDIDAAT_HEADER, csv_file, kandidaat_row, kandidaten_xlsx, xlsx

pytestmark = pytest.mark.django_db

MODULE_HEADER = ["Pers. nr.", "Module-ID", "Traject-ID", "Module", "Uitvoerende", "Startdatum", "Einddatum"]


def load(path, **kwargs):
    return import_file(path, original_name=path.name, **kwargs)


def _clients_trajecten_and_modules(tmp_path):
    load(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1"), kandidaat_row("2")]))
    load(xlsx(tmp_path / "items.xlsx", {
        "Trajecten": [["Pers. nr.", "Traject-ID", "Startdatum"], ["1", "T1", "01-01-2026"], ["2", "T2", "01-01-2026"]],
        "Modules": [MODULE_HEADER, ["1", "M1", "T1", "Sollicitatie", "Alrijde B", "01-02-2026", None],
                    ["2", "M2", "T2", "Werkfit", "Alrijde B", "01-02-2026", None]],
    }))
    assert dict(Module.objects.values_list("module_id", "traject__traject_id")) == {"M1": "T1", "M2": "T2"}


def test_a_modules_file_without_traject_id_keeps_every_link_and_the_module_names(tmp_path):
    _clients_trajecten_and_modules(tmp_path)
    # Title rows, a Pers. nr. stored as a number, stray spaces: as a real export of Compas.
    path = xlsx(tmp_path / "zonder-traject.xlsx", {"Modules": [
        ["Modules per 1 maart"], [],
        [" Pers. nr.", "Module-ID ", "Uitvoerende", "Startdatum", "Einddatum"],
        [1.0, "M1", "Alrijde C", "01-02-2026", None],
        ["2", " M2", "Alrijde B", "01-02-2026", "01-06-2026"],
    ]})
    outcome = load(path)
    assert outcome.status == "applied", outcome.message
    assert outcome.sheets[0]["changed"] == 2
    fields = {change["field"] for change in outcome.sheets[0]["field_changes"]}
    assert fields == {"uitvoerende", "einddatum"}
    stored = {m.module_id: (m.traject.traject_id, m.traject_ref, m.naam, m.uitvoerende) for m in Module.objects.all()}
    assert stored == {"M1": ("T1", "T1", "Sollicitatie", "Alrijde C"), "M2": ("T2", "T2", "Werkfit", "Alrijde B")}


def test_a_changed_traject_id_is_shown_by_its_traject_id_never_by_a_database_id(tmp_path):
    _clients_trajecten_and_modules(tmp_path)
    path = xlsx(tmp_path / "verhuisd.xlsx", {"Modules": [
        MODULE_HEADER, ["1", "M1", "T2", "Sollicitatie", "Alrijde B", "01-02-2026", None],
        ["2", "M2", "", "Werkfit", "Alrijde B", "01-02-2026", None],
    ]})
    outcome = load(path, dry_run=True)
    changes = {(c["field"], c["old"], c["new"]) for c in outcome.sheets[0]["field_changes"]}
    assert changes == {("Traject-ID", "T1", "T2"), ("Traject-ID", "T2", "(leeg)")}
    load(path)
    assert dict(Module.objects.values_list("module_id", "traject__traject_id")) == {"M1": "T2", "M2": None}


def test_a_kandidaten_file_without_indicering_keeps_the_stored_indicering_and_derives_from_it(tmp_path):
    header = [*KANDIDAAT_HEADER, "Indicering", "Beschut werk"]
    load(csv_file(tmp_path / "met.csv", [header, [*kandidaat_row("1", Doelgroep="WW"), "Gemeente", "J"],
                                         [*kandidaat_row("2", DGR="N"), "UWV", "N"]]))
    assert dict(Kandidaat.objects.values_list("pers_nr", "klant_van")) == {"1": "gemeente", "2": "uwv"}
    # Without Indicering and Beschut werk; client 1 loses the banenafspraak box, client 2 gets DGR.
    outcome = load(csv_file(tmp_path / "zonder.csv", [
        KANDIDAAT_HEADER, kandidaat_row("1", Doelgroep="WW", **{"Sonar - Banenafspraken": "N"}), kandidaat_row("2"),
    ]))
    assert outcome.status == "applied", outcome.message
    one, two = Kandidaat.objects.order_by("pers_nr")
    assert (one.indicering, one.klant_van, one.beschut_werk) == ("gemeente", "gemeente", True)
    # Beschut werk (stored, J) keeps client 1 in the doelgroep without the banenafspraak box.
    assert (one.banenafspraak, one.in_doelgroep_banenafspraak, one.profiel_nodig) == (False, True, True)
    assert (two.indicering, two.klant_van, two.dgr, two.profiel_nodig) == ("uwv", "uwv", True, True)
    assert not KandidaatWijziging.objects.filter(veld__in=["indicering", "beschut_werk", "klant_van"]).exists()


def test_indicering_wins_over_a_klant_van_column_beside_it(tmp_path):
    header = [*KANDIDAAT_HEADER, "Klant van", "Indicering"]
    load(csv_file(tmp_path / "beide.csv", [header, [*kandidaat_row("1"), "UWV", "Gemeente"]]))
    assert Kandidaat.objects.get().indicering == "gemeente"


def test_a_missing_required_column_refuses_the_file_naming_the_column(tmp_path):
    load(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")]))
    before = list(Kandidaat.objects.values())
    header = [column for column in KANDIDAAT_HEADER if column != "Naam"]
    outcome = load(csv_file(tmp_path / "zonder-naam.csv", [header, kandidaat_row("1")[:2] + kandidaat_row("1")[3:]]),
                   export_type="kandidaten")
    assert (outcome.status, outcome.exit_code) == ("refused", 1)
    assert "Verplichte kolom ontbreekt: Naam" in outcome.message
    assert list(Kandidaat.objects.values()) == before

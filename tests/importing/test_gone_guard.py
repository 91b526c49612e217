"""A partial file never wipes a snapshot: more than 10% gone needs the confirmation, and the preview says who."""

import datetime

import pytest
from django.core.management import call_command

from kandidaten.importing import import_file, mass_gone
from kandidaten.models import Kandidaat, Traject

from .files import kandidaat_row, kandidaten_xlsx, xlsx

pytestmark = pytest.mark.django_db

TRAJECT_HEADER = ["Pers. nr.", "Traject-ID", "Traject", "Uitvoerende", "Startdatum", "Einddatum"]


def load(path, **kwargs):
    return import_file(path, original_name=path.name, **kwargs)


def in_source():
    return (sorted(Kandidaat.objects.filter(in_bron=True).values_list("pers_nr", flat=True)),
            sorted(Traject.objects.filter(in_bron=True).values_list("traject_id", flat=True)))


@pytest.fixture
def clients_with_trajecten(tmp_path):
    """40 clients (Epe and Heerde, some Pers. nrs. with leading zeros), each with one traject."""
    rows = [kandidaat_row(f"{number:04d}", gemeente="Epe" if number <= 30 else "Heerde") for number in range(1, 41)]
    assert load(kandidaten_xlsx(tmp_path / "k.xlsx", rows)).status == "applied"
    trajecten = [[f"{number:04d}", f"T-{number:03d}", "Werkfit", "Alrijde B", "01-01-2026", None]
                 for number in range(1, 41)]
    assert load(xlsx(tmp_path / "t.xlsx", {"Trajecten": [TRAJECT_HEADER, *trajecten]})).status == "applied"
    return trajecten


def test_a_three_row_trajecten_file_is_refused_without_confirmation_and_changes_nothing(
        tmp_path, clients_with_trajecten):
    before = in_source()
    partial = xlsx(tmp_path / "drie.xlsx", {"Trajecten": [["Trajecten, selectie"], [], TRAJECT_HEADER,
                                                          *clients_with_trajecten[:3]]})
    outcome = load(partial)
    assert (outcome.status, outcome.exit_code) == ("refused", 1)
    assert "27 van de 30 trajecten" in outcome.message and "meer dan 10%" in outcome.message
    summary = outcome.sheets[0]
    assert (summary["gone"], summary["existing"], summary["gone_confirm"]) == (27, 30, True)
    assert mass_gone(outcome.sheets) == [summary]
    assert in_source() == before

    applied = load(partial, confirm_mass_gone=True)
    assert applied.status == "applied"
    assert len(in_source()[1]) == 13  # 3 of Epe in the file, Heerde's 10 untouched


def test_the_sample_of_who_would_go_shows_business_keys_and_names_never_database_ids(tmp_path, clients_with_trajecten):
    outcome = load(xlsx(tmp_path / "drie.xlsx", {"Trajecten": [TRAJECT_HEADER, *clients_with_trajecten[:3]]}),
                   dry_run=True)
    sample = outcome.sheets[0]["gone_sample"]
    assert len(sample) == 25
    assert sample[0] == {"sleutel": "T-004", "pers_nr": "0004", "naam": "Jansen, 0004."}
    ids = set(Traject.objects.values_list("pk", flat=True)) | set(Kandidaat.objects.values_list("pk", flat=True))
    assert not {value for entry in sample for value in entry.values()} & {str(pk) for pk in ids}


def test_a_partial_kandidaten_file_names_its_clients_in_the_sample(tmp_path, clients_with_trajecten):
    rows = [kandidaat_row(f"{number:04d}") for number in range(1, 6)]
    outcome = load(kandidaten_xlsx(tmp_path / "vijf.xlsx", rows), dry_run=True)
    summary = outcome.sheets[0]
    assert (summary["gone"], summary["existing"], summary["gone_confirm"]) == (25, 30, True)
    assert summary["gone_sample"][0] == {"sleutel": "0006", "pers_nr": "0006", "naam": "Jansen, 0006."}
    assert outcome.exit_code == 1


@pytest.mark.parametrize("kept, confirm", [(27, False), (26, True)])
def test_up_to_ten_percent_gone_is_an_ordinary_weekly_import(tmp_path, clients_with_trajecten, kept, confirm):
    outcome = load(xlsx(tmp_path / "week.xlsx", {"Trajecten": [TRAJECT_HEADER, *clients_with_trajecten[:kept]]}))
    summary = outcome.sheets[0]
    assert (summary["gone"], summary["gone_confirm"]) == (30 - kept, confirm)
    assert outcome.status == ("refused" if confirm else "applied")


def test_items_go_gone_only_within_the_gemeenten_of_the_clients_in_the_file(tmp_path, clients_with_trajecten):
    # Epe's trajecten but one, none of Heerde's: Heerde's trajecten stay, the missing one of Epe goes.
    outcome = load(xlsx(tmp_path / "epe.xlsx", {"Trajecten": [TRAJECT_HEADER, *clients_with_trajecten[1:30]]}))
    assert outcome.status == "applied", outcome.message
    assert (outcome.sheets[0]["gone"], outcome.sheets[0]["existing"]) == (1, 30)
    gone = Traject.objects.get(in_bron=False)
    assert (gone.traject_id, gone.niet_in_bron_sinds) == ("T-001", datetime.date.today())
    assert Traject.objects.filter(in_bron=True, kandidaat__gemeente__naam="Heerde").count() == 10


def test_an_item_that_moved_to_another_client_shows_their_pers_nrs(tmp_path, clients_with_trajecten):
    moved = [list(row) for row in clients_with_trajecten]
    moved[0][0] = "0002"
    outcome = load(xlsx(tmp_path / "verhuisd.xlsx", {"Trajecten": [TRAJECT_HEADER, *moved]}), dry_run=True)
    changes = {(c["field"], c["old"], c["new"]): c["count"] for c in outcome.sheets[0]["field_changes"]}
    assert changes == {("Pers. nr.", "0001", "0002"): 1}


def test_the_command_line_needs_confirm_gone(tmp_path, clients_with_trajecten):
    path = xlsx(tmp_path / "drie.xlsx", {"Trajecten": [TRAJECT_HEADER, *clients_with_trajecten[:3]]})
    with pytest.raises(SystemExit) as refused:
        call_command("importeer", str(path), stdout=open("/dev/null", "w"))
    assert refused.value.code == 1
    assert len(in_source()[1]) == 40
    call_command("importeer", str(path), "--confirm-gone", stdout=open("/dev/null", "w"))
    assert len(in_source()[1]) == 13

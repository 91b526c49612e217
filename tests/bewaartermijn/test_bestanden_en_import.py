"""Import files past their term, and the whole flow on a messy export through the real importer."""

import datetime
import os

import pytest
from django.core.files.base import ContentFile

from kandidaten.importing import errors_path, import_file
from kandidaten.models import Import, Kandidaat, KandidaatWijziging, Traject
from kandidaten.selectors.signalen import add_months
from tests.importing.files import KANDIDAAT_HEADER, kandidaat_row, xlsx

from .conftest import lokaal, opschonen

pytestmark = pytest.mark.django_db


def _import_met_bestanden(aangemaakt, naam="Kandidaten week 12.xlsx"):
    record = Import.objects.create(
        bestandsnaam=naam, bestand_sha256="ab" * 32, bestand_grootte=4, status=Import.Status.VOORBEELD,
        voorbeeld={"sheets": [{"type": "kandidaten", "rows": 2, "new": 2}]}, melding="Voorbeeld: 2 nieuw.",
    )
    record.bestand.save("upload", ContentFile(b"PK\x03\x04 Jansen, K.;07974"), save=True)
    errors_path(record).write_text('[{"errors": [[3, "Pers. nr.", "", "leeg", ["Yılmaz, A."]]]}]', encoding="utf-8")
    Import.objects.filter(pk=record.pk).update(aangemaakt=aangemaakt)
    record.refresh_from_db()
    return record


def test_files_of_imports_past_their_term_go_and_the_import_rows_stay(settings):
    settings.IMPORT_BESTANDEN_DAGEN = 30  # peildatum 15-06-2026: files of imports made before 16-05-2026 go
    oud = _import_met_bestanden(lokaal(2026, 5, 15, 23, 59))
    precies = _import_met_bestanden(lokaal(2026, 5, 16, 0, 0))
    map_ = errors_path(oud).parent
    los_oud = map_ / "5b0c1c1e-0000-4000-8000-000000000000.upload"  # no import row (a crashed upload)
    los_jong = map_ / "restant.fouten.json"
    for pad, tijd in ((los_oud, lokaal(2026, 1, 1)), (los_jong, lokaal(2026, 6, 1))):
        pad.write_bytes(b"Jansen, K.")
        os.utime(pad, (tijd.timestamp(), tijd.timestamp()))
    oude_bestanden = [oud.bestand.path, errors_path(oud), los_oud]

    assert opschonen("--peildatum", "2026-06-15", "--dry-run")["bestanden"] == 3
    assert all(os.path.exists(pad) for pad in oude_bestanden)

    assert opschonen("--peildatum", "2026-06-15")["bestanden"] == 3

    assert not any(os.path.exists(pad) for pad in oude_bestanden)
    assert os.path.exists(precies.bestand.path) and errors_path(precies).exists() and los_jong.exists()
    oud.refresh_from_db()
    assert not oud.bestand  # no file to confirm any more
    assert (oud.bestand_sha256, oud.bestandsnaam, oud.voorbeeld["sheets"][0]["new"]) == (
        "ab" * 32, "Kandidaten week 12.xlsx", 2)
    # A preview that was never confirmed says why it can no longer be; the young one still can be.
    assert oud.status == Import.Status.GEANNULEERD and oud.melding.startswith("Verlopen")
    precies.refresh_from_db()
    assert precies.status == Import.Status.VOORBEELD


@pytest.mark.parametrize("status", [Import.Status.BEVESTIGD, Import.Status.TOEPASSEN], ids=["queued", "applying"])
def test_files_of_an_old_import_that_is_being_applied_are_left_alone(status):
    bezig = _import_met_bestanden(lokaal(2026, 1, 1))
    Import.objects.filter(pk=bezig.pk).update(status=status)  # confirmed just now
    assert opschonen("--peildatum", "2026-06-15")["bestanden"] == 0
    assert os.path.exists(bezig.bestand.path) and errors_path(bezig).exists()
    Import.objects.filter(pk=bezig.pk).update(status=Import.Status.TOEGEPAST)
    assert opschonen("--peildatum", "2026-06-15")["bestanden"] == 2


def test_no_imports_folder_means_no_files_to_delete(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "leeg"
    assert opschonen("--peildatum", "2026-06-15")["bestanden"] == 0


def _messy_kandidaten(tmp_path, name, pers_nrs):
    """Title rows, Pers. nr. as numbers, gemeente spellings as exports write them, stray spaces."""
    rijen = {
        7974: kandidaat_row(7974, gemeente="s Gravenhage", Naam="  Yılmaz,  A. "),
        8001: kandidaat_row(8001.0, gemeente="Den Haag", Naam="de Vries-Öztürk, M."),
        8002: kandidaat_row(8002, gemeente="BERGEN NH", Naam="Ramdin, S."),
        8003: kandidaat_row("08003", gemeente=" Epe ", Naam="Bakker, J."),
        8004: kandidaat_row(8004, gemeente="Bergen (NH)", Naam="Çelik, B."),
    }
    return xlsx(tmp_path / name, {"Export": [["Kandidaten per 01-06-2026"], [], KANDIDAAT_HEADER,
                                             *(rijen[nr] for nr in pers_nrs)]})


def test_clients_dropped_from_the_source_go_the_day_after_their_term_with_items_and_history(tmp_path):
    assert import_file(_messy_kandidaten(tmp_path, "week1.xlsx", [7974, 8001, 8002, 8003, 8004]),
                       original_name="week1.xlsx").status == "applied"
    trajecten = xlsx(tmp_path / "trajecten.xlsx", {"Trajecten": [
        ["Pers. nr.", "Traject-ID", "Startdatum", "Uitvoerende", "Signaaldatum", "Einddatum"],
        [7974, "T-1", "01-01-2026", "Alrijde B", "01-07-2026", None],
        ["8002", "T-2", "2026-02-01", "Alrijde B", None, None],
        [8003.0, "T-3", "01-03-2026", "Team Epe", None, None],
    ]})
    assert import_file(trajecten, original_name="trajecten.xlsx").status == "applied"
    # The next snapshot no longer has 7974 ('s-Gravenhage) and 8002 (Bergen NH).
    assert import_file(_messy_kandidaten(tmp_path, "week2.xlsx", [8001, 8003, 8004]), original_name="week2.xlsx",
                       confirm_mass_gone=True).status == "applied"
    weg = set(Kandidaat.objects.filter(in_bron=False).values_list("pers_nr_sleutel", flat=True))
    assert weg == {"7974", "8002"}
    geschiedenis_van_weg = KandidaatWijziging.objects.filter(kandidaat__in_bron=False).count()
    vandaag = datetime.date.today()

    precies = add_months(vandaag, 24)
    assert opschonen("--peildatum", precies.isoformat())["kandidaten"] == 0

    aantallen = opschonen("--peildatum", (precies + datetime.timedelta(days=1)).isoformat())

    assert (aantallen["kandidaten"], aantallen["trajecten"]) == (2, 2)
    assert aantallen["wijzigingen"] == geschiedenis_van_weg >= 2  # at least their "in bron: ja -> nee"
    assert set(Kandidaat.objects.values_list("pers_nr_sleutel", flat=True)) == {"8001", "8003", "8004"}
    assert list(Traject.objects.values_list("traject_id", flat=True)) == ["T-3"]
    assert not KandidaatWijziging.objects.exclude(kandidaat__pers_nr_sleutel__in=["8001", "8003", "8004"]).exists()
    assert Import.objects.count() == 3  # the import records stay

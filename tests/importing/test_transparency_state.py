"""The contract between the importer and the transparency report's stored state (services.transparantie)."""

import datetime

import pytest

from kandidaten.importing import import_file
from kandidaten.models import Gemeente, Import
from kandidaten.services import transparantie

from .files import kandidaat_row, kandidaten_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(monkeypatch):
    calls = []
    monkeypatch.setattr(transparantie, "leg_stand_vast", lambda **kwargs: calls.append(kwargs))
    return calls


def ids(*names):
    return set(Gemeente.objects.filter(naam__in=names).values_list("pk", flat=True))


def test_an_applied_kandidaten_import_records_the_state_of_the_gemeenten_in_its_file(tmp_path, recorded):
    path = kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1", gemeente="Epe"),
                                                 kandidaat_row("2", gemeente="Heerde")])
    import_file(path)
    assert recorded == [{"stand": datetime.date.today(), "gemeente_ids": ids("Epe", "Heerde")}]


def test_the_state_is_recorded_under_the_imports_stand(tmp_path, recorded):
    record = Import.objects.create(bestandsnaam="k.xlsx", stand=datetime.date(2025, 6, 30))
    path = kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1", gemeente="Epe")])
    import_file(path, import_record=record)
    assert recorded[0]["stand"] == datetime.date(2025, 6, 30)


def test_a_client_who_moved_leaves_his_old_gemeente_recorded_too(tmp_path, recorded):
    import_file(kandidaten_xlsx(tmp_path / "a.xlsx", [kandidaat_row("1", gemeente="Epe"),
                                                      kandidaat_row("2", gemeente="Apeldoorn")]))
    recorded.clear()
    import_file(kandidaten_xlsx(tmp_path / "b.xlsx", [kandidaat_row("1", gemeente="Heerde"),
                                                      kandidaat_row("2", gemeente="Apeldoorn")]))
    assert recorded[0]["gemeente_ids"] == ids("Epe", "Heerde", "Apeldoorn")


def test_an_unchanged_reimport_and_a_dry_run_record_nothing(tmp_path, recorded):
    path = kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1", gemeente="Epe")])
    import_file(path)
    recorded.clear()
    import_file(path)
    import_file(path, dry_run=True)
    assert recorded == []

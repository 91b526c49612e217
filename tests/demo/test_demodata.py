"""`manage.py demodata`: real exports through the real importer, demo logins, and a guard."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from kandidaten.demo import generate
from kandidaten.models import Gebruiker, Import, Kandidaat, Module

pytestmark = pytest.mark.django_db


def test_refuses_a_database_that_is_not_a_local_sqlite_file_without_force(monkeypatch):
    if connections["default"].vendor == "sqlite":  # the suite's SQLite file stands in for a server's database
        monkeypatch.setattr(connections["default"], "vendor", "postgresql")
    with pytest.raises(CommandError, match="--force"):
        call_command("demodata", "--scale", "test", stdout=StringIO())
    assert not Kandidaat.objects.exists()


def test_loads_the_exports_through_the_importer_and_prints_the_logins():
    out = StringIO()
    call_command("demodata", "--scale", "test", "--force", stdout=out)
    assert Kandidaat.objects.count() == 60
    assert Module.objects.exists()
    assert set(Import.objects.values_list("status", flat=True)) == {Import.Status.TOEGEPAST}
    assert "medewerker  wachtwoord demo-medewerker" in out.getvalue()
    medewerker = Gebruiker.objects.get(username="medewerker")
    assert medewerker.check_password("demo-medewerker")
    assert list(medewerker.gemeenten.values_list("naam", flat=True)) == ["Epe"]
    assert medewerker.begeleider_naam == "A. de Vries"


def test_if_empty_leaves_existing_data_alone():
    call_command("demodata", "--scale", "test", "--force", stdout=StringIO())
    out = StringIO()
    call_command("demodata", "--scale", "test", "--force", "--if-empty", stdout=out)
    assert "geen demodata geladen" in out.getvalue()
    assert Import.objects.count() == 4


def test_werkbedrijf_scale_has_uwvs_published_counts_in_sonar():
    demo = generate.werkbedrijf(2025, datetime.date(2026, 11, 22))
    counted = {}
    for gemeente, _nr, _naam, _dg, dgr, box, status, *_ in demo.kandidaten:
        if dgr != "N" and box == "J" and status.lower() == "open":
            key = gemeente.strip().title()
            counted[key] = counted.get(key, 0) + 1
    assert counted == {"Apeldoorn": 2303, "Epe": 367, "Heerde": 173}

"""Every import page within scope: own imports, imports that concern one's gemeenten; out of scope is a 404.

Acting on an import (confirm, cancel, new preview) and seeing its rows (error workbook, the first errors,
who would go) needs every gemeente it concerns, or being its importer: a shared gemeente shows the counts.
"""

import pytest
from django.urls import reverse

from kandidaten.importing import Outcome, background
from kandidaten.models import Gemeente, Import
from kandidaten.roles import BEHEER
from tests.factories import make_user

from .files import kandidaat_row, kandidaten_xlsx
from .web import latest, preview_record, sheet, upload

pytestmark = pytest.mark.django_db

PAGES = ["detail", "fouten"]
ACTIONS = ["bevestigen", "annuleren", "opnieuw"]


@pytest.fixture
def beheer_epe(db):
    return make_user("beheer.epe", BEHEER, gemeenten=["Epe"])


@pytest.fixture
def collega_epe(db):
    return make_user("collega.epe", BEHEER, gemeenten=["Epe"])


@pytest.fixture
def beheer_heerde(db):
    return make_user("beheer.heerde", BEHEER, gemeenten=["Heerde"])


@pytest.fixture
def epe_import(logged_in, beheer_epe, tmp_path):
    """A preview with a row error (so an error workbook) of an Epe file, uploaded by beheer of Epe."""
    upload(logged_in(beheer_epe), kandidaten_xlsx(tmp_path / "epe.xlsx", [kandidaat_row("1"),
                                                                           kandidaat_row("2", DGR="??")]))
    return latest()


def status_codes(client, record):
    codes = {name: client.get(reverse(f"imports:{name}", args=[record.uuid])).status_code for name in PAGES}
    codes["lijst"] = record.bestandsnaam in client.get(reverse("imports:lijst")).content.decode()
    return codes


def test_an_upload_concerns_the_gemeenten_of_its_importer(epe_import, beheer_epe):
    assert list(epe_import.gemeenten.values_list("naam", flat=True)) == ["Epe"]


def test_beheer_of_another_gemeente_gets_404_on_every_page_and_action(epe_import, logged_in, beheer_heerde):
    client = logged_in(beheer_heerde)
    assert status_codes(client, epe_import) == {"detail": 404, "fouten": 404, "lijst": False}
    for action in ACTIONS:
        assert client.post(reverse(f"imports:{action}", args=[epe_import.uuid]),
                           {"overslaan": "on"}).status_code == 404, action
    epe_import.refresh_from_db()
    assert epe_import.status == Import.Status.VOORBEELD and epe_import.heeft_bestand


def test_a_colleague_of_the_same_gemeente_sees_and_may_cancel(epe_import, logged_in, collega_epe):
    client = logged_in(collega_epe)
    assert status_codes(client, epe_import) == {"detail": 200, "fouten": 200, "lijst": True}
    client.post(reverse("imports:annuleren", args=[epe_import.uuid]))
    epe_import.refresh_from_db()
    assert epe_import.status == Import.Status.GEANNULEERD


def test_the_importer_sees_their_own_import(epe_import, logged_in, beheer_epe):
    assert status_codes(logged_in(beheer_epe), epe_import) == {"detail": 200, "fouten": 200, "lijst": True}


def test_a_medewerker_gets_403(epe_import, logged_in, medewerker_epe):
    client = logged_in(medewerker_epe)
    assert status_codes(client, epe_import) == {"detail": 403, "fouten": 403, "lijst": False}
    for action in ACTIONS:
        assert client.post(reverse(f"imports:{action}", args=[epe_import.uuid])).status_code == 403


def test_an_import_of_two_gemeenten_shows_counts_but_no_rows_to_beheer_of_one(logged_in, beheer_epe, tmp_path):
    both = make_user("beheer.beide", BEHEER, gemeenten=["Epe", "Heerde"])
    errors = [{"row": 3, "column": "DGR", "value": "??", "message": "verwacht J of N"}]
    record = preview_record(both, [sheet(errors=1, error_rows=1, first_errors=errors)])
    client = logged_in(beheer_epe)
    detail = client.get(reverse("imports:detail", args=[record.uuid])).content.decode()
    assert "De rijen zelf ziet alleen wie alle gemeenten" in detail
    assert "verwacht J of N" not in detail and "Import toepassen" not in detail and "annuleren" not in detail
    assert client.get(reverse("imports:fouten", args=[record.uuid])).status_code == 404
    assert client.post(reverse("imports:bevestigen", args=[record.uuid]), {"overslaan": "on"}).status_code == 404
    assert client.post(reverse("imports:annuleren", args=[record.uuid])).status_code == 404


def test_a_system_import_is_for_superusers_unless_it_concerns_the_users_gemeenten(logged_in, beheer_epe,
                                                                                 beheer_heerde):
    system = Import.objects.create(bestandsnaam="nachtelijk.xlsx", status=Import.Status.TOEGEPAST,
                                   gebruikersnaam="(systeem)")
    superuser = make_user("super", is_superuser=True)
    assert logged_in(superuser).get(reverse("imports:detail", args=[system.uuid])).status_code == 200
    assert logged_in(beheer_epe).get(reverse("imports:detail", args=[system.uuid])).status_code == 404
    system.gemeenten.set([Gemeente.objects.get(naam="Epe")])
    assert logged_in(beheer_epe).get(reverse("imports:detail", args=[system.uuid])).status_code == 200
    assert logged_in(beheer_heerde).get(reverse("imports:detail", args=[system.uuid])).status_code == 404


def test_after_the_preview_an_import_concerns_the_gemeenten_of_its_rows(logged_in, beheer_epe, beheer_heerde,
                                                                         monkeypatch, tmp_path):
    heerde = Gemeente.objects.get(naam="Heerde")

    def preview_of_heerde_rows(path, **options):
        record = options["import_record"]
        record.status = Import.Status.VOORBEELD
        record.save()
        return Outcome("dry-run", "", 0, [sheet(gemeenten=[heerde.pk]), {"sheet": "Info", "type": None}], record)

    monkeypatch.setattr(background, "import_file", preview_of_heerde_rows)
    both = make_user("beheer.beide", BEHEER, gemeenten=["Epe", "Heerde"])
    upload(logged_in(both), kandidaten_xlsx(tmp_path / "heerde.xlsx", [kandidaat_row("1", gemeente="Heerde")]))
    record = latest()
    assert list(record.gemeenten.all()) == [heerde]
    assert logged_in(beheer_heerde).get(reverse("imports:detail", args=[record.uuid])).status_code == 200
    assert logged_in(beheer_epe).get(reverse("imports:detail", args=[record.uuid])).status_code == 404


def test_the_admin_lists_only_imports_in_scope(epe_import, logged_in, beheer_heerde, collega_epe):
    for user, visible in ((beheer_heerde, False), (collega_epe, True)):
        user.is_staff = True
        user.save()
        content = logged_in(user).get(reverse("admin:kandidaten_import_changelist")).content.decode()
        assert ("epe.xlsx" in content) is visible

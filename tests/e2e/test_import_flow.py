"""The import pages in a real browser: upload → preview → cancel, and upload → preview → typed confirmation →
applied; no axe violations on any state."""

import re

import pytest

from kandidaten.models import Import, Kandidaat
from tests.e2e.conftest import axe_violations
from tests.importing.files import kandidaat_row, kandidaten_xlsx


def upload(page, live_server, path):
    page.goto(f"{live_server.url}/import/nieuw/")
    page.get_by_label("Exportbestand").set_input_files(str(path))
    page.get_by_role("button", name="Bestand lezen en voorbeeld tonen").click()
    page.get_by_role("heading", name=re.compile("^Import van")).wait_for()


@pytest.mark.django_db(transaction=True)
def test_upload_preview_and_cancel(login, live_server, beheerder, tmp_path):
    page = login(beheerder)
    page.get_by_role("link", name="Import", exact=True).click()
    assert axe_violations(page) == []
    upload(page, live_server, kandidaten_xlsx(tmp_path / "week 47.xlsx", [kandidaat_row("1"),
                                                                           kandidaat_row("2", DGR="??")]))
    page.locator("#import-status[role=status]").filter(has_text="Voorbeeld klaar").wait_for()
    assert page.get_by_text("Download hem vóór u bevestigt").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Import annuleren en bestand verwijderen").click()
    page.locator("#import-status[role=status]").filter(has_text="Geannuleerd").wait_for()
    assert axe_violations(page) == []
    record = Import.objects.get()
    assert record.status == Import.Status.GEANNULEERD and not record.bestand
    assert Kandidaat.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_upload_preview_and_confirm_with_the_typed_number(login, live_server, beheerder, tmp_path):
    page = login(beheerder)
    upload(page, live_server, kandidaten_xlsx(tmp_path / "alle.xlsx", [kandidaat_row(str(n)) for n in range(1, 5)]))
    page.get_by_role("button", name="Import toepassen").click()
    page.locator("#import-status[role=status]").filter(has_text="Toegepast").wait_for()
    assert axe_violations(page) == []

    upload(page, live_server, kandidaten_xlsx(tmp_path / "deel.xlsx", [kandidaat_row("1")], title_rows=2))
    page.get_by_text("3 van de 4 kandidaten").wait_for()
    page.get_by_label("Typ 3 om te bevestigen").fill("4")
    page.get_by_role("button", name="Import toepassen").click()
    page.get_by_role("alert").filter(has_text="Typ 3 om te bevestigen dat").wait_for()
    assert page.evaluate("document.activeElement.id") == "verdwenen"  # focus on the field to correct
    assert axe_violations(page) == []
    page.get_by_label("Typ 3 om te bevestigen").fill("3")
    page.get_by_role("button", name="Import toepassen").click()
    page.locator("#import-status[role=status]").filter(has_text="Toegepast").wait_for()
    assert axe_violations(page) == []
    assert Kandidaat.objects.in_bron().count() == 1

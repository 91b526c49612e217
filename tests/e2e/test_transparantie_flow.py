"""The transparency report in a real browser: pick a quarter, read the table, export it; axe on every page."""

import datetime
import re

import openpyxl
import pytest

from tests.e2e.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def standen(referentiedata):
    from tests.transparantie.helpers import opgeslagen

    opgeslagen(datetime.date(2025, 3, 31), "Apeldoorn", 250, 800, 950, 290)
    opgeslagen(datetime.date(2025, 3, 31), "Epe", 20, 130, 150, 62, og=2)
    opgeslagen(datetime.date(2025, 6, 30), "Apeldoorn", 269, 793, 960, 281)
    opgeslagen(datetime.date(2025, 6, 30), "Epe", 23, 133, 151, 60)
    # A live-server test flushes the migrations' data: UWV's shipped figures are loaded again like the rest.
    from django.apps import apps

    from kandidaten.services.uwv_publicatie import laad_meegeleverde_cijfers

    laad_meegeleverde_cijfers(apps)


def test_a_teamleider_picks_a_quarter_reads_the_table_and_exports_it(login, live_server, standen, teamleider, tmp_path):
    page = login(teamleider)
    page.get_by_role("link", name="Transparantie").click()
    page.get_by_role("heading", level=1, name="Transparantie van klantprofielen").wait_for()
    page.get_by_label("Kwartaal", exact=True).select_option(label="2e kwartaal 2025")
    page.get_by_role("button", name="Toepassen").click()
    page.wait_for_url(re.compile(r"kwartaal=2025-Q2"))
    assert "Situatie op 30-06-2025 (eind 2e kwartaal 2025)" in page.locator(".rapport__stand").inner_text()
    tabel = page.get_by_role("table", name=re.compile("Kandidaten in Sonar per arbeidsmarktregio"))
    rij = tabel.get_by_role("row", name=re.compile(r"^Totaal AMR"))
    assert rij.locator("td.totaal").inner_text() == "2.670"
    assert page.locator("svg.trend-grafiek").count() == 2
    assert axe_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Exporteer naar Excel").click()
    assert download.value.suggested_filename.startswith("transparantie-")
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Arbeidsmarktregio", "Gemeente", "Gemeenteklanten: profiel")
    assert rows[-1][:7] == ("Totaal", "Totaal", 292, 926, 1111, 341, 2670)


def test_the_comparison_and_the_upload_page_have_no_accessibility_violations(login, live_server, standen,
                                                                               teamleider, beheerder):
    page = login(teamleider)
    page.goto(f"{live_server.url}/transparantie/?kwartaal=2025-Q2")
    page.get_by_role("link", name="Vergelijk met UWV (2e kwartaal 2025)").click()
    page.get_by_role("heading", level=1, name="Transparantie naast de cijfers van UWV").wait_for()
    cellen = page.get_by_role("row", name=re.compile(r"\bApeldoorn\b")).locator("td")
    assert [cellen.nth(i).inner_text() for i in (1, 2, 3)] == ["269", "269", "0"]  # ons, UWV, verschil
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/transparantie/?stand=31-02-2025")
    assert page.get_by_role("alert").is_visible()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/transparantie/?kwartaal=2020-Q1")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Uitloggen").click()
    page = login(beheerder)
    page.goto(f"{live_server.url}/transparantie/uwv/toevoegen/")
    page.get_by_role("button", name="Uploaden en controleren").click()
    page.get_by_text("Dit veld is verplicht.").wait_for()
    assert axe_violations(page) == []

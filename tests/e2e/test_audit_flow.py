"""The audit page in a real browser: a teamleider finds who opened a client of its gemeente; no axe violations."""

import re

import pytest

from tests.e2e.conftest import axe_violations
from tests.factories import make_kandidaat


@pytest.mark.django_db(transaction=True)
def test_a_teamleider_finds_who_opened_a_client(login, live_server, referentiedata, teamleider, medewerker_epe):
    kandidaat = make_kandidaat("Epe", pers_nr="07974", naam="Willems, J.")
    page = login(medewerker_epe)
    page.goto(f"{live_server.url}/kandidaten/{kandidaat.pk}/")
    page.context.clear_cookies()

    page = login(teamleider)
    page.get_by_role("link", name="Auditlog").click()
    page.wait_for_url(re.compile(r"/audit/$"))
    page.get_by_label("Actie").select_option(label="Kandidaat bekeken")
    page.get_by_label("Van").fill("31-12-9999")
    page.get_by_role("button", name="Filteren").click()
    page.get_by_role("alert").filter(has_text="Kies een datum tussen").wait_for()
    row = page.locator("tbody tr").first
    assert "medewerker.epe" in row.inner_text() and "Kandidaat 07974" in row.inner_text()
    assert axe_violations(page) == []

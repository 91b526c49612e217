import pytest

from tests.e2e.conftest import axe_violations


@pytest.mark.django_db(transaction=True)
def test_a_medewerker_logs_in_sees_the_menu_and_logs_out(login, live_server, medewerker_epe):
    page = login(medewerker_epe)
    assert page.get_by_role("navigation", name="Hoofdmenu").is_visible()
    assert page.get_by_role("link", name="Kandidaten", exact=True).is_visible()
    # A medewerker has no import rights: the menu does not offer it.
    assert page.get_by_role("link", name="Import").count() == 0
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(f"{live_server.url}/inloggen/")


@pytest.mark.django_db(transaction=True)
def test_login_page_has_no_accessibility_violations(live_server, page):
    page.goto(f"{live_server.url}/inloggen/")
    assert axe_violations(page) == []

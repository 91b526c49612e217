"""Browser tests: Playwright drives Debian's chromium against Django's live server.

Sync Playwright runs an event loop in the test thread; Django refuses ORM calls
from such a thread unless told otherwise, and per-test monkeypatching fails at
database teardown, so the flag is set when this conftest is imported. `make test`
runs this folder as its own pytest step to keep that out of the other tests.
"""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(autouse=True)
def referentiedata(request):
    """Gemeenten and roles come from data migrations; a live-server test (transaction=True) flushes them
    for the tests after it, so every browser test puts them back first."""
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from kandidaten.models import Gemeente
    from kandidaten.reference_data import load_reference_data
    from kandidaten.roles import sync_roles

    if not Gemeente.objects.exists():
        load_reference_data(apps)
    sync_roles(apps)


@pytest.fixture
def login(live_server, page):
    """Log in through the real form: `login(user)` leaves the page on the overview."""

    def do_login(user, password="geheim-wachtwoord-123"):
        page.goto(f"{live_server.url}/inloggen/")
        page.get_by_label("Gebruikersnaam").fill(user.username)
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return do_login


@pytest.fixture
def zonder_javascript(browser, live_server):
    """`zonder_javascript(user)`: a page of a browser without JavaScript, logged in as `user` (the test client's
    session cookie): the plain forms and links every page must work with."""
    contexts = []

    def open_page(user):
        from django.conf import settings
        from django.test import Client

        django_client = Client()
        django_client.force_login(user, backend="kandidaten.backends.PermissieBackend")
        context = browser.new_context(java_script_enabled=False)
        contexts.append(context)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                              "value": django_client.cookies[settings.SESSION_COOKIE_NAME].value}])
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def axe_violations(page):
    """axe-core's WCAG 2.1 A/AA violations on the current page, as readable strings."""
    from axe_playwright_python.sync_playwright import Axe

    wcag_aa = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": wcag_aa}})
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])}×)"
        for violation in results.response["violations"]
    ]

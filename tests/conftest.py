import pytest

from kandidaten.roles import BEHEER, MEDEWERKER, TEAMLEIDER
from tests.factories import make_user


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path_factory):
    """Error files and progress files of the imports a test makes stay out of the project's media/ folder."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def committed_reference_data(transactional_db):
    """The migrations' reference data (gemeenten, doelgroepen) for a test that commits for real.

    Such a test empties every table when it ends, reference data included, so each one loads it again.
    """
    from django.apps import apps

    from kandidaten.models import Gemeente
    from kandidaten.reference_data import load_reference_data

    if not Gemeente.objects.exists():
        load_reference_data(apps)


@pytest.fixture
def medewerker_epe(db):
    return make_user("medewerker.epe", MEDEWERKER, gemeenten=["Epe"], begeleider_naam="A. de Vries")


@pytest.fixture
def medewerker_apeldoorn(db):
    return make_user("medewerker.apeldoorn", MEDEWERKER, gemeenten=["Apeldoorn"])


@pytest.fixture
def teamleider(db):
    return make_user("teamleider", TEAMLEIDER, gemeenten=["Apeldoorn", "Epe", "Heerde"])


@pytest.fixture
def beheerder(db):
    return make_user("beheer", BEHEER, gemeenten=["Apeldoorn", "Epe", "Heerde", "Onbekend"])


@pytest.fixture
def logged_in(client):
    """Log a user in on the test client: `logged_in(user)` returns the client."""

    def login(user):
        client.force_login(user)
        return client

    return login

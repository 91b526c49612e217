"""The settings page (/abonnement/) and the e-mail settings from the environment."""

import pytest

from kandidaten.models import Abonnement
from tests.factories import make_kandidaat
from tests.foundation.test_settings import settings_in_subprocess

from .conftest import BEGELEIDER

URL = "/abonnement/"


@pytest.fixture
def begeleiders_in_epe_en_apeldoorn(db):
    make_kandidaat("Epe", begeleider=BEGELEIDER)
    make_kandidaat("Epe", begeleider="J. Bakker")
    make_kandidaat("Apeldoorn", begeleider="P. Apeldoorner")


def _opslaan(client, **velden):
    data = {"actief": "on", "frequentie": "wekelijks", "weekdag": "2", "begeleider": "", "uitvoerende": ""}
    data.update(velden)
    return client.post(URL, {key: value for key, value in data.items() if value is not None})


@pytest.mark.usefixtures("begeleiders_in_epe_en_apeldoorn")
def test_a_user_subscribes_narrowed_on_her_own_begeleider_name_by_default(logged_in, medewerker_epe):
    client = logged_in(medewerker_epe)
    pagina = client.get(URL).content.decode()
    assert "U hebt nog geen abonnement" in pagina
    assert f'<option value="{BEGELEIDER}" selected>' in pagina
    assert "P. Apeldoorner" not in pagina  # only begeleiders of her own clients are offered

    response = _opslaan(client, begeleider=BEGELEIDER, uitvoerende="Alrijde B")
    assert response.status_code == 302
    abonnement = Abonnement.objects.get(gebruiker=medewerker_epe)
    assert (abonnement.actief, abonnement.frequentie, abonnement.weekdag, abonnement.begeleider,
            abonnement.uitvoerende) == (True, "wekelijks", 2, BEGELEIDER, "Alrijde B")
    assert "Uw e-mailabonnement is opgeslagen" in client.get(URL).content.decode()


@pytest.mark.usefixtures("begeleiders_in_epe_en_apeldoorn")
def test_a_begeleider_of_another_gemeente_is_refused(logged_in, medewerker_epe):
    response = _opslaan(logged_in(medewerker_epe), begeleider="P. Apeldoorner")
    assert response.status_code == 200
    assert "Deze begeleider komt bij uw kandidaten niet voor" in response.content.decode()
    assert not Abonnement.objects.exists()


def test_unticking_unsubscribes_and_ticking_again_resubscribes(logged_in, medewerker_epe):
    client = logged_in(medewerker_epe)
    _opslaan(client)
    _opslaan(client, actief=None)
    abonnement = Abonnement.objects.get(gebruiker=medewerker_epe)
    assert not abonnement.actief and abonnement.opgezegd is not None
    assert "U ontvangt deze e-mail niet meer" in client.get(URL).content.decode()
    _opslaan(client, frequentie="dagelijks")
    abonnement.refresh_from_db()
    assert abonnement.actief and abonnement.opgezegd is None and abonnement.frequentie == "dagelijks"


def test_the_page_says_where_the_mail_goes_or_that_an_address_is_missing(logged_in, medewerker_epe):
    client = logged_in(medewerker_epe)
    assert "Uw account heeft geen e-mailadres" in client.get(URL).content.decode()
    medewerker_epe.email = "a.devries@epe.example.nl"
    medewerker_epe.save()
    assert "De e-mail gaat naar <strong>a.devries@epe.example.nl</strong>" in client.get(URL).content.decode()


def test_every_page_links_to_the_subscription_settings(logged_in, medewerker_epe):
    assert 'href="/abonnement/"' in logged_in(medewerker_epe).get("/").content.decode()


def test_a_subscription_belongs_to_its_user_only(logged_in, medewerker_epe, medewerker_apeldoorn):
    _opslaan(logged_in(medewerker_epe), frequentie="dagelijks")
    pagina = logged_in(medewerker_apeldoorn).get(URL).content.decode()
    assert "U hebt nog geen abonnement" in pagina
    assert Abonnement.objects.get().gebruiker == medewerker_epe


def test_mail_settings_come_from_the_environment():
    result = settings_in_subprocess(
        "settings.MAILERS['default']['BACKEND'], sorted(settings.MAILERS['default']['OPTIONS'].items()), "
        "settings.DEFAULT_FROM_EMAIL, settings.SITE_URL",
        SECRET_KEY="x" * 60, EMAIL_HOST="smtp.gemeente.example", EMAIL_PORT="587", EMAIL_HOST_USER="kandidaten",
        EMAIL_HOST_PASSWORD="geheim", EMAIL_USE_TLS="1", DEFAULT_FROM_EMAIL="kandidaten@gemeente.example",
        SITE_URL="https://kandidaten.gemeente.example/",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "django.core.mail.backends.smtp.EmailBackend [('host', 'smtp.gemeente.example'), ('password', 'geheim'), "
        "('port', 587), ('timeout', 30), ('use_ssl', False), ('use_tls', True), ('username', 'kandidaten')] "
        "kandidaten@gemeente.example https://kandidaten.gemeente.example"
    )


def test_a_developer_machine_prints_mail_on_the_console():
    result = settings_in_subprocess("settings.MAILERS['default']['BACKEND'], settings.SITE_URL", DJANGO_DEBUG="1",
                                    EMAIL_HOST="smtp.gemeente.example")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.mail.backends.console.EmailBackend", "http://127.0.0.1:8000"]


def test_a_new_narrowing_starts_the_change_afresh(logged_in, medewerker_epe):
    client = logged_in(medewerker_epe)
    _opslaan(client, frequentie="dagelijks")
    Abonnement.objects.update(vorige_tellingen={"profiel_nodig": 4}, vorige_peildatum="2026-06-15")
    _opslaan(client, frequentie="wekelijks")  # same narrowing: the change since the last mail still means something
    assert Abonnement.objects.get().vorige_tellingen == {"profiel_nodig": 4}
    _opslaan(client, frequentie="wekelijks", uitvoerende="Alrijde B")
    abonnement = Abonnement.objects.get()
    assert (abonnement.vorige_tellingen, abonnement.vorige_peildatum) == ({}, None)

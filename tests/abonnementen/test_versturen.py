"""When a subscription mail goes out: once per period, on or after the weekday, also with overlapping runs."""

import datetime
import io
import logging
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kandidaten.models import Abonnement, Gebruiker
from kandidaten.services import abonnementen

from .conftest import PEILDATUM, abonnee, dag, vul_epe
from .mailers import Traag

WOENSDAG = Abonnement.Weekdag.WOENSDAG


def verstuur(peildatum, *args):
    """Run the command as cron would; returns the usernames that got a mail."""
    mail.outbox.clear()
    call_command("verstuur_abonnementen", "--peildatum", peildatum.isoformat(), *args, stdout=io.StringIO())
    return sorted(Gebruiker.objects.get(email=bericht.to[0]).username for bericht in mail.outbox)


@pytest.mark.django_db
def test_a_daily_subscription_goes_out_once_per_calendar_day():
    abonnee()
    assert verstuur(PEILDATUM) == ["abonnee.epe"]
    assert verstuur(PEILDATUM) == []  # the next hourly run, same day
    assert verstuur(dag(1)) == ["abonnee.epe"]
    assert verstuur(dag(1)) == []


@pytest.mark.django_db
def test_a_weekly_subscription_goes_out_once_per_iso_week_on_or_after_its_weekday():
    abonnee(frequentie=Abonnement.Frequentie.WEKELIJKS, weekdag=WOENSDAG)
    # PEILDATUM is a Monday.
    assert [verstuur(dag(d)) for d in range(7)] == [[], [], ["abonnee.epe"], [], [], [], []]
    # Next week the server was down on Wednesday: the first run after it sends.
    assert [verstuur(dag(d)) for d in (7, 8, 10, 11)] == [[], [], ["abonnee.epe"], []]


@pytest.mark.django_db
def test_a_weekly_mail_on_monday_goes_once_in_the_week_around_new_year():
    abonnee(frequentie=Abonnement.Frequentie.WEKELIJKS, weekdag=Abonnement.Weekdag.MAANDAG)
    # 28-12-2026 is the Monday of ISO week 2026-W53, which runs to Sunday 03-01-2027.
    assert verstuur(datetime.date(2026, 12, 28)) == ["abonnee.epe"]
    assert verstuur(datetime.date(2027, 1, 1)) == []
    assert verstuur(datetime.date(2027, 1, 4)) == ["abonnee.epe"]


@pytest.mark.django_db
def test_only_active_subscriptions_of_active_users_with_an_address_are_sent():
    abonnee("a")
    abonnee("b", email="b@epe.example.nl", actief=False)
    abonnee("c", email="")
    zonder = abonnee("d", email="d@epe.example.nl")
    Gebruiker.objects.filter(pk=zonder.gebruiker_id).update(is_active=False)
    assert verstuur(PEILDATUM) == ["a"]


@pytest.mark.django_db
def test_the_dry_run_sends_nothing_and_claims_nothing():
    vul_epe()
    abonnement = abonnee()
    velden = ["verzonden_periode", "laatst_verzonden", "vorige_peildatum", "vorige_tellingen", "geclaimd_periode",
              "geclaimd_op"]
    voor = Abonnement.objects.values(*velden).get(pk=abonnement.pk)
    out = io.StringIO()
    call_command("verstuur_abonnementen", "--peildatum", "2026-06-15", "--dry-run", stdout=out)
    assert mail.outbox == []
    assert Abonnement.objects.values(*velden).get(pk=abonnement.pk) == voor
    assert "1 e-mail(s) zou(den) worden verstuurd" in out.getvalue() and "abonnee.epe" in out.getvalue()
    assert verstuur(PEILDATUM) == ["abonnee.epe"]  # the real run afterwards still sends


@pytest.mark.django_db
def test_a_failed_send_is_logged_not_marked_sent_and_tried_again(settings, caplog):
    abonnee("gaat.goed")
    weigert = abonnee("weigert", email="weigert@epe.example.nl")
    settings.MAILERS = {"default": {"BACKEND": "tests.abonnementen.mailers.Weigert"}}
    mail.outbox.clear()
    with caplog.at_level(logging.ERROR, logger="kandidaten.services.abonnementen"):
        with pytest.raises(CommandError, match="weigert"):
            call_command("verstuur_abonnementen", "--peildatum", "2026-06-15", stdout=io.StringIO())
    assert [bericht.to for bericht in mail.outbox] == [["a.devries@epe.example.nl"]]
    assert "E-mailabonnement van weigert niet verzonden" in caplog.text and "SMTPRecipientsRefused" in caplog.text
    weigert.refresh_from_db()
    assert (weigert.verzonden_periode, weigert.geclaimd_periode, weigert.laatst_verzonden) == ("", "", None)

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert verstuur(PEILDATUM) == ["weigert"]  # the next run sends it; the other one not again


@pytest.mark.django_db
def test_an_unreachable_mail_server_stops_the_run_and_claims_nothing(settings, caplog):
    abonnee("a")
    abonnee("b", email="b@epe.example.nl")
    settings.MAILERS = {"default": {"BACKEND": "tests.abonnementen.mailers.Onbereikbaar"}}
    with caplog.at_level(logging.ERROR), pytest.raises(CommandError, match="onbereikbaar"):
        call_command("verstuur_abonnementen", "--peildatum", "2026-06-15", stdout=io.StringIO())
    assert "Mailserver onbereikbaar" in caplog.text
    assert set(Abonnement.objects.values_list("verzonden_periode", "geclaimd_periode")) == {("", "")}


@pytest.mark.django_db
def test_without_site_url_the_command_refuses(settings):
    abonnee()
    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="SITE_URL"):
        call_command("verstuur_abonnementen", stdout=io.StringIO())
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_claim_of_a_run_that_died_is_taken_over_after_an_hour():
    abonnement = abonnee()
    periode = abonnement.periode_op(PEILDATUM)
    from django.utils import timezone

    nu = timezone.now()
    assert abonnementen.claim(abonnement, periode, nu - datetime.timedelta(minutes=61))
    assert not abonnementen.claim(abonnement, periode, nu - datetime.timedelta(minutes=1))  # still its claim
    assert abonnementen.claim(abonnement, periode, nu)  # the first claim is over an hour old


# --- overlapping runs: real threads, real commits, on SQLite and PostgreSQL ---------------------------------


def _draai(naam, resultaten):
    def run():
        try:
            resultaten[naam] = abonnementen.verstuur(PEILDATUM)
        finally:
            connection.close()

    return threading.Thread(target=run, name=naam)


@pytest.fixture
def traag(settings):
    Traag.binnen.clear()
    Traag.verder.clear()
    settings.MAILERS = {"default": {"BACKEND": "tests.abonnementen.mailers.Traag"}}
    yield
    Traag.verder.set()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("committed_reference_data", "traag")
def test_a_run_that_starts_while_another_is_sending_skips_what_that_one_claimed():
    gebruikers = [f"abonnee{i}" for i in range(5)]
    for naam in gebruikers:
        abonnee(naam, email=f"{naam}@epe.example.nl", rol=None)
    resultaten = {}
    eerste, tweede = _draai("eerste", resultaten), _draai("tweede", resultaten)
    eerste.start()
    assert Traag.binnen.wait(10), "the first run never reached its first send"
    tweede.start()  # the first run holds its claim on abonnee0 and waits inside the send
    tweede.join(20)
    assert not tweede.is_alive()
    Traag.verder.set()
    eerste.join(20)

    assert resultaten["eerste"].verzonden == ["abonnee0"]
    assert resultaten["tweede"].verzonden == gebruikers[1:]
    assert (resultaten["tweede"].elders_bezig, resultaten["eerste"].elders_bezig) == (1, 4)
    assert sorted(bericht.to[0] for bericht in mail.outbox) == [f"{naam}@epe.example.nl" for naam in gebruikers]
    assert set(Abonnement.objects.values_list("verzonden_periode", "geclaimd_periode")) == {("2026-06-15", "")}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("committed_reference_data")
def test_two_runs_started_at_once_send_every_subscription_exactly_once():
    for i in range(12):
        abonnee(f"abonnee{i}", email=f"abonnee{i}@epe.example.nl", rol=None)
    resultaten = {}
    start = threading.Barrier(2)

    def run(naam):
        try:
            start.wait(5)
            resultaten[naam] = abonnementen.verstuur(PEILDATUM)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(naam,)) for naam in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    ontvangers = sorted(bericht.to[0] for bericht in mail.outbox)
    assert ontvangers == sorted(f"abonnee{i}@epe.example.nl" for i in range(12))
    assert len(resultaten["a"].verzonden) + len(resultaten["b"].verzonden) == 12
    assert not resultaten["a"].mislukt and not resultaten["b"].mislukt

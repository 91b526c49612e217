"""Unsubscribing from the mail: a signed, expiring link; a page with one button; RFC 8058 one-click."""

import datetime
import re
import time

import pytest
from django.core import mail, signing
from django.test import Client

from kandidaten.models import Abonnement
from kandidaten.services import abonnementen

from .conftest import PEILDATUM, abonnee

pytestmark = pytest.mark.django_db


def _link(abonnement, oud_dagen=0, monkeypatch=None):
    """The path of the unsubscribe page as a mail `oud_dagen` days old carries it."""
    if oud_dagen:
        echt = time.time()
        monkeypatch.setattr(signing.time, "time", lambda: echt - oud_dagen * 86400)
    token = abonnementen.afmeldtoken(abonnement)
    if oud_dagen:
        monkeypatch.undo()
    return f"/abonnement/afmelden/{token}/"


def _actief(abonnement):
    return Abonnement.objects.get(pk=abonnement.pk).actief


def test_the_link_in_the_mail_is_the_signed_one():
    abonnement = abonnee()
    abonnementen.verstuur(PEILDATUM)
    pad = re.search(r"https://kandidaten\.example\.nl(/abonnement/afmelden/[^/\s]+/)", mail.outbox[0].body).group(1)
    token = pad.split("/")[3]
    assert abonnementen.abonnement_van_token(token) == abonnement


def test_opening_the_link_changes_nothing_and_shows_one_button():
    abonnement = abonnee()
    anoniem = Client(enforce_csrf_checks=True)
    response = anoniem.get(_link(abonnement))  # what a mail scanner does
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('type="submit"') == 1 and ">Afmelden</button>" in html
    assert _actief(abonnement)


def test_the_button_unsubscribes_without_logging_in():
    abonnement = abonnee()
    anoniem = Client(enforce_csrf_checks=True)
    pad = _link(abonnement)
    pagina = anoniem.get(pad).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', pagina).group(1)
    response = anoniem.post(pad, {"csrfmiddlewaretoken": csrf})
    assert response.status_code == 200
    assert "U bent afgemeld" in response.content.decode()
    abonnement.refresh_from_db()
    assert not abonnement.actief and abonnement.opgezegd is not None
    assert abonnementen.verstuur(PEILDATUM).verzonden == []


def test_one_click_unsubscribes_at_once_as_rfc_8058_asks():
    abonnement = abonnee()
    token = abonnementen.afmeldtoken(abonnement)
    mailprogramma = Client(enforce_csrf_checks=True)  # no cookie, no CSRF token: only the signed URL
    response = mailprogramma.post(f"/abonnement/afmelden/{token}/direct/", "List-Unsubscribe=One-Click",
                                  content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert not _actief(abonnement)


def test_one_click_refuses_get():
    abonnement = abonnee()
    response = Client().get(f"/abonnement/afmelden/{abonnementen.afmeldtoken(abonnement)}/direct/")
    assert response.status_code == 405
    assert _actief(abonnement)


@pytest.mark.parametrize("vervalsing", [
    lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature altered
    lambda token: "2" + token[1:],  # another subscription's number under this signature
    lambda token: token.split(":")[0],  # no signature at all
])
def test_a_tampered_link_is_refused_and_changes_nothing(vervalsing):
    abonnement = abonnee()
    abonnee("ander", email="ander@epe.example.nl")
    token = vervalsing(abonnementen.afmeldtoken(abonnement))
    for pad in (f"/abonnement/afmelden/{token}/", f"/abonnement/afmelden/{token}/direct/"):
        response = Client().post(pad)
        assert response.status_code == 400
    assert "klopt niet" in Client().get(f"/abonnement/afmelden/{token}/").content.decode()
    assert set(Abonnement.objects.values_list("actief", flat=True)) == {True}


def test_an_expired_link_says_what_to_do_and_changes_nothing(settings, monkeypatch):
    settings.ABONNEMENT_AFMELDLINK_DAGEN = 60
    abonnement = abonnee()
    pad = _link(abonnement, oud_dagen=61, monkeypatch=monkeypatch)
    response = Client().post(pad)
    assert response.status_code == 410
    html = response.content.decode()
    assert "Deze afmeldlink is verlopen" in html and "60 dagen" in html
    assert 'href="/abonnement/"' in html  # the settings page, where she can unsubscribe after logging in
    assert _actief(abonnement)
    assert Client().post(pad + "direct/").status_code == 410
    assert _actief(abonnement)


def test_a_link_within_its_term_still_works(settings, monkeypatch):
    settings.ABONNEMENT_AFMELDLINK_DAGEN = 60
    abonnement = abonnee()
    response = Client().post(_link(abonnement, oud_dagen=59, monkeypatch=monkeypatch))
    assert response.status_code == 200
    assert not _actief(abonnement)


def test_a_link_of_a_deleted_subscription_says_it_is_done():
    abonnement = abonnee()
    pad = _link(abonnement)
    Abonnement.objects.filter(pk=abonnement.pk).delete()
    response = Client().post(pad)
    assert response.status_code == 200 and "U bent afgemeld" in response.content.decode()


def test_unsubscribing_twice_keeps_the_first_date():
    abonnement = abonnee()
    Client().post(_link(abonnement))
    eerst = Abonnement.objects.get(pk=abonnement.pk).opgezegd
    Client().post(_link(abonnement))
    assert Abonnement.objects.get(pk=abonnement.pk).opgezegd == eerst
    assert isinstance(eerst, datetime.datetime)

"""Subscribing, unsubscribing from a mail's link, and beheer's retention page in a real browser, axe-clean."""

import datetime
import re

import pytest

from kandidaten.models import Abonnement, Kandidaat
from kandidaten.services import abonnementen
from tests.e2e.conftest import axe_violations
from tests.factories import make_kandidaat


@pytest.mark.django_db(transaction=True)
def test_a_medewerker_subscribes_weekly_from_the_header_link(login, live_server, medewerker_epe, referentiedata):
    make_kandidaat("Epe", begeleider="A. de Vries")
    medewerker_epe.email = "a.devries@epe.example.nl"
    medewerker_epe.save()
    page = login(medewerker_epe)
    page.get_by_role("link", name="E-mailabonnement").click()
    page.wait_for_url(re.compile(r"/abonnement/$"))
    assert axe_violations(page) == []
    page.get_by_role("radio", name="Dagelijks").check()
    page.get_by_role("radio", name="Wekelijks").check()
    page.get_by_label("Op welke dag (wekelijks)").select_option(label="woensdag")
    assert page.get_by_label("Begeleider", exact=True).input_value() == "A. de Vries"
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(re.compile(r"/abonnement/$"))
    assert page.get_by_text("Uw e-mailabonnement is opgeslagen.").is_visible()
    abonnement = Abonnement.objects.get(gebruiker=medewerker_epe)
    assert (abonnement.frequentie, abonnement.weekdag, abonnement.actief) == ("wekelijks", 2, True)
    assert axe_violations(page) == []


@pytest.mark.django_db(transaction=True)
def test_the_unsubscribe_link_needs_no_login_and_one_click(live_server, page, medewerker_epe, referentiedata):
    abonnement = Abonnement.objects.create(gebruiker=medewerker_epe)
    page.goto(f"{live_server.url}/abonnement/afmelden/{abonnementen.afmeldtoken(abonnement)}/")
    assert axe_violations(page) == []
    assert Abonnement.objects.get(pk=abonnement.pk).actief  # opening the link changed nothing
    page.get_by_role("button", name="Afmelden").click()
    assert page.get_by_text("U bent afgemeld").is_visible()
    assert not Abonnement.objects.get(pk=abonnement.pk).actief
    assert axe_violations(page) == []


@pytest.mark.django_db(transaction=True)
def test_beheer_reads_what_the_next_run_would_remove(login, live_server, beheerder, referentiedata):
    weg = make_kandidaat("Epe")
    Kandidaat.objects.filter(pk=weg.pk).update(in_bron=False, niet_in_bron_sinds=datetime.date(2020, 1, 1))
    page = login(beheerder)
    page.get_by_role("link", name="Bewaartermijn").click()
    page.wait_for_url(re.compile(r"/bewaartermijn/$"))
    rij = page.get_by_role("row", name=re.compile("^Kandidaten"))
    assert rij.get_by_role("cell").nth(1).inner_text() == "1"
    assert axe_violations(page) == []
    page.get_by_label("Rekendag").fill("31-02-2026")
    page.get_by_role("button", name="Bereken").click()
    assert page.get_by_role("alert").is_visible()
    assert axe_violations(page) == []

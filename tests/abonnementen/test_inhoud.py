"""What a subscription mail says: the subscriber's own panel, the change since the last mail, counts only."""

import email.policy
import re

import pytest
from django.core import mail

from kandidaten.models import Abonnement
from kandidaten.selectors import signalen
from kandidaten.services import abonnementen
from tests.factories import make_traject

from .conftest import ANDERE_BEGELEIDER, BEGELEIDER, KLANTEN_EPE, PEILDATUM, SITE_URL, abonnee, dag, vul_epe

pytestmark = pytest.mark.django_db


def _verstuur(peildatum=PEILDATUM):
    mail.outbox.clear()
    resultaat = abonnementen.verstuur(peildatum)
    assert not resultaat.mislukt
    return resultaat


def _delen(bericht):
    """Subject, every header, the plain text and the HTML: everything a reader or a mail log sees."""
    html = [inhoud for inhoud, soort in bericht.alternatives if soort == "text/html"]
    return bericht.message(policy=email.policy.SMTP).as_bytes().decode("utf-8"), bericht.body, html[0]


def test_the_mail_names_no_client_and_no_number_of_one():
    klanten = vul_epe()
    abonnee(uitvoerende="Alrijde B")
    _verstuur()
    (bericht,) = mail.outbox
    verboden = [naam for _nr, naam in KLANTEN_EPE] + [nr for nr, _naam in KLANTEN_EPE]
    verboden += [k.pers_nr_sleutel for k in klanten] + ["Weggeweest", "9900990", "Apeldoorn, Buiten", "4455667"]
    verboden += ["Jansen", "Amrani", "Öztürk", "Yıldız", "Visser", "Bakkerij", "Inpakker"]
    # Not even the narrowing's names: the links add it after login.
    verboden += [BEGELEIDER, "de Vries", "de%20Vries", "de+Vries", "Alrijde", ANDERE_BEGELEIDER]
    for deel in _delen(bericht):
        gevonden = [woord for woord in verboden if woord.casefold() in deel.casefold()]
        assert gevonden == []
    assert bericht.to == ["a.devries@epe.example.nl"]


def test_the_17_counters_are_the_panel_the_subscriber_sees(logged_in):
    vul_epe()
    abonnement = abonnee()
    getallen = abonnementen.tellingen(abonnement, PEILDATUM)
    # The overview page of the subscriber, narrowed as her subscription.
    pagina = logged_in(abonnement.gebruiker).get("/", {"peildatum": "15-06-2026", "begeleider": BEGELEIDER})
    op_pagina = {groep.slug: {t.teller.slug: t.aantal for t in rij} for groep, rij in pagina.context["paneel"]}
    assert {groep: getallen[groep] for groep in signalen.GROEPEN} == op_pagina
    assert sum(len(tellers) for tellers in op_pagina.values()) == 17
    # Counted live too (not only from stored counts), and by hand for her three clients in Epe.
    for groep in signalen.GROEPEN:
        live = signalen.tel_groep(abonnement.gebruiker, groep, PEILDATUM, abonnementen.vernauwing(abonnement))
        assert getallen[groep] == live
    assert getallen["trajecten"] == {"actief": 2, "start_lt_3wkn": 1, "signaal_binnen_4wkn": 1,
                                     "signaal_verstreken": 1, "einde_lt_3mnd": 1, "zonder_actieve_module": 1}
    assert getallen["modules"]["opschortingen"] == 1 and getallen["plaatsingen"]["signaal_binnen_4wkn"] == 1
    assert getallen["profiel_nodig"] == 2  # Jansen and Öztürk (klantprofiel N); the gone client not


def test_the_text_part_shows_each_counter_with_its_number():
    vul_epe()
    abonnement = abonnee()
    getallen = abonnementen.tellingen(abonnement, PEILDATUM)
    _verstuur()
    tekst = mail.outbox[0].body
    for groep in signalen.GROEPEN.values():
        for teller in groep.tellers:
            assert re.search(rf"^  {re.escape(teller.label)} +{getallen[groep.slug][teller.slug]}  \(–\)$", tekst,
                             re.MULTILINE), teller.label
    assert re.search(r"^  Profiel nodig +2  \(–\)$", tekst, re.MULTILINE)
    assert "Dit is uw eerste e-mail" in tekst


def test_without_a_begeleider_the_worklist_counts_the_whole_scope():
    vul_epe()
    abonnement = abonnee(begeleider="")
    assert abonnementen.tellingen(abonnement, PEILDATUM)["profiel_nodig"] == 3  # Jansen, Öztürk, Visser
    assert abonnementen.tellingen(abonnement, PEILDATUM)["trajecten"]["actief"] == 3  # + Yıldız's


def test_the_next_mail_shows_the_change_since_the_previous_one():
    klanten = vul_epe()
    abonnement = abonnee()
    _verstuur(PEILDATUM)
    make_traject(klanten[0], startdatum=dag(0))  # one more active traject, started today
    make_traject(klanten[1], startdatum=dag(0))

    _verstuur(dag(1))

    tekst = mail.outbox[0].body
    assert "sinds de vorige e-mail (peildatum 15-06-2026)" in tekst
    assert re.search(r"^  Actieve trajecten +4  \(\+2\)$", tekst, re.MULTILINE)
    assert re.search(r"^  Opschortingen +1  \(0\)$", tekst, re.MULTILINE)
    html = mail.outbox[0].alternatives[0][0]
    assert ">4</td>" in html and ">+2</td>" in html
    abonnement.refresh_from_db()
    assert abonnement.vorige_peildatum == dag(1)
    assert abonnement.vorige_tellingen["trajecten"]["actief"] == 4


def test_a_decrease_is_shown_with_a_minus_sign():
    regel = abonnementen.Regel("Actieve trajecten", 3, -2, "")
    assert regel.verschil_tekst == "−2"
    assert abonnementen.Regel("x", 3, 0, "").verschil_tekst == "0"
    assert abonnementen.Regel("x", 3, None, "").verschil_tekst == "–"


def test_html_and_plain_text_parts_with_absolute_links():
    vul_epe()
    abonnee()
    _verstuur()
    (bericht,) = mail.outbox
    assert not re.search(r"</?[a-z]|&lt;|&amp;", bericht.body)  # plain text: no markup, nothing escaped
    assert "  Start < 3 wkn " in bericht.body
    ((html, soort),) = bericht.alternatives
    assert soort == "text/html" and '<html lang="nl">' in html
    assert f'href="{SITE_URL}/abonnement/open/trajecten/signaal_verstreken/?peildatum=15-06-2026"' in html
    assert f"{SITE_URL}/abonnement/open/werklijst/" in bericht.body
    assert f"{SITE_URL}/abonnement/afmelden/" in bericht.body
    assert bericht.subject == "Kandidatenoverzicht: uw signalen op 15-06-2026"


def test_the_one_click_unsubscribe_headers_are_plain_urls(settings):
    settings.SITE_URL = "https://kandidatenoverzicht.werkbedrijf-apeldoorn-epe-heerde.example.nl"
    vul_epe()
    abonnee()
    _verstuur()
    rauw = mail.outbox[0].message(policy=email.policy.SMTP).as_bytes()
    kop = re.search(rb"\r\nList-Unsubscribe: <([^>\r\n]+)>\r\n", rauw)
    assert kop, rauw[:800]
    assert kop.group(1).startswith(settings.SITE_URL.encode() + b"/abonnement/afmelden/")
    assert kop.group(1).endswith(b"/direct/")
    assert b"=?utf-8?" not in rauw.split(b"\r\n\r\n")[0]  # no RFC 2047 words in the headers
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in rauw


def test_links_from_the_mail_open_the_subscribers_own_narrowing(logged_in, client):
    vul_epe()
    abonnement = abonnee(uitvoerende="Alrijde B")
    response = client.get("/abonnement/open/trajecten/actief/?peildatum=15-06-2026")
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/")
    c = logged_in(abonnement.gebruiker)
    doel = c.get("/abonnement/open/trajecten/actief/?peildatum=15-06-2026")["Location"]
    assert doel == "/signalen/trajecten/actief/?peildatum=15-06-2026&uitvoerende=Alrijde+B&begeleider=A.+de+Vries"
    assert c.get(doel).status_code == 200
    assert c.get("/abonnement/open/?peildatum=15-06-2026")["Location"].startswith("/?peildatum=15-06-2026&")
    assert c.get("/abonnement/open/werklijst/")["Location"] == "/kandidaten/profiel-nodig/?begeleider=A.+de+Vries"
    assert c.get("/abonnement/open/plaatsingen/opschortingen/").status_code == 404
    Abonnement.objects.filter(pk=abonnement.pk).update(begeleider="")
    assert c.get("/abonnement/open/werklijst/")["Location"] == "/kandidaten/?profiel_nodig=ja"

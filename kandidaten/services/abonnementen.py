"""E-mail subscriptions ("Abonneren"): a user's own signal panel by mail, counts only (docs/abonnementen.md).

`verstuur` is what `manage.py verstuur_abonnementen` runs from cron every hour. Each subscription goes out at
most once per period, also when two runs overlap: a run claims a subscription for the period with one
conditional UPDATE (its row count says who won) before it counts and sends, and marks the period sent only
after the mail server took the mail. A failed send gives the claim back (the next run tries again) and is
logged. A run that died while holding a claim leaves it for `CLAIM_GELDIG`, then a later run may send.

The mail carries numbers and links only: no client's name or Pers. nr., and not even the begeleider or
uitvoerende it is narrowed on; its links go through /abonnement/open/…, which adds the subscriber's own
narrowing after she has logged in.
"""

import datetime
import email.policy
import logging
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.signing import TimestampSigner
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kandidaten.models import Abonnement
from kandidaten.models.abonnementen import periode
from kandidaten.selectors import kandidaten as kandidaten_selectors
from kandidaten.selectors import signalen
from kandidaten.services import paneeltellingen

logger = logging.getLogger(__name__)

# A claim older than this belongs to a run that died: a later run may send. Far above one send's time (the SMTP
# timeout, EMAIL_TIMEOUT), so a run that is still sending never loses its claim.
CLAIM_GELDIG = datetime.timedelta(hours=1)
AFMELD_SALT = "kandidaten.abonnement.afmelden"
WERKLIJST = "profiel_nodig"  # the key of the worklist count beside the panel's groups


# --- what the mail says ------------------------------------------------------------------------------


def vernauwing(abonnement):
    return signalen.Vernauwing(uitvoerende=abonnement.uitvoerende, begeleider=abonnement.begeleider)


def werklijst_aantal(user, begeleider):
    """The worklist count: "profiel nodig" of the begeleider, or of the whole scope when there is none."""
    nodig = kandidaten_selectors.kandidaten(user).profiel_nodig()
    return (nodig.van_begeleider(begeleider) if begeleider else nodig).count()


def tellingen(abonnement, peildatum):
    """{"trajecten": {teller: aantal}, "modules": {…}, "plaatsingen": {…}, "profiel_nodig": aantal}: the panel
    the subscriber would see (her scope, her narrowing) and her worklist count."""
    user = abonnement.gebruiker
    getallen = paneeltellingen.aantallen(user, peildatum, vernauwing(abonnement))  # a fresh dict: ours to extend
    getallen[WERKLIJST] = werklijst_aantal(user, abonnement.begeleider)
    return getallen


@dataclass(frozen=True)
class Regel:
    label: str
    aantal: int
    verschil: int | None  # since the previous mail; None: there was none
    url: str

    @property
    def verschil_tekst(self):
        """ "+3", "−2", "0", or "–" when there was no previous mail."""
        if self.verschil is None:
            return "–"
        return f"+{self.verschil}" if self.verschil > 0 else str(self.verschil).replace("-", "−")


@dataclass(frozen=True)
class Inhoud:
    peildatum: datetime.date
    vorige_peildatum: datetime.date | None
    groepen: list  # [(titel, [Regel])]
    werklijst: Regel
    paneel_url: str
    instellingen_url: str
    afmeld_url: str  # the page with the one button
    afmeld_direct_url: str  # RFC 8058 one-click (POST)


def absolute_url(path):
    if not settings.SITE_URL:
        raise ImproperlyConfigured("SITE_URL ontbreekt: de links in de e-mail hebben het adres van de app nodig.")
    return settings.SITE_URL + path


def inhoud(abonnement, peildatum, getallen):
    vorige = abonnement.vorige_tellingen or {}
    query = "?" + urlencode({"peildatum": f"{peildatum:%d-%m-%Y}"})

    def verschil(aantal, eerder):
        return None if eerder is None else aantal - eerder

    groepen = []
    for groep in signalen.GROEPEN.values():
        regels = []
        for teller in groep.tellers:
            aantal = getallen[groep.slug][teller.slug]
            url = absolute_url(reverse("abonnementen:open_signaal", args=[groep.slug, teller.slug]) + query)
            regels.append(Regel(teller.label, aantal, verschil(aantal, vorige.get(groep.slug, {}).get(teller.slug)),
                                url))
        groepen.append((groep.titel, regels))
    token = afmeldtoken(abonnement)
    return Inhoud(
        peildatum=peildatum,
        vorige_peildatum=abonnement.vorige_peildatum,
        groepen=groepen,
        werklijst=Regel("Profiel nodig", getallen[WERKLIJST], verschil(getallen[WERKLIJST], vorige.get(WERKLIJST)),
                        absolute_url(reverse("abonnementen:open_werklijst"))),
        paneel_url=absolute_url(reverse("abonnementen:open") + query),
        instellingen_url=absolute_url(reverse("abonnementen:instellingen")),
        afmeld_url=absolute_url(reverse("abonnementen:afmelden", args=[token])),
        afmeld_direct_url=absolute_url(reverse("abonnementen:afmelden_direct", args=[token])),
    )


class Bericht(EmailMultiAlternatives):
    """A mail with an RFC 8058 one-click List-Unsubscribe header.

    Python's email folder RFC 2047-encodes a header word longer than a line (`=?utf-8?q?=3Chttps…`), and an
    encoded URL is no valid List-Unsubscribe (RFC 2047 §5). So that one header is written as it is, on one line
    (up to 998 characters are allowed); every other header is folded as usual."""

    def __init__(self, *args, afmeld_url, **kwargs):
        super().__init__(*args, **kwargs)
        self.afmeld_url = afmeld_url

    def message(self, *, policy=email.policy.default):
        msg = super().message(policy=policy.clone(refold_source="none"))  # a header set raw stays as it is
        msg.set_raw("List-Unsubscribe", f"<{self.afmeld_url}>")
        return msg


def bericht(abonnement, mail_inhoud):
    """The mail: plain text and HTML, with the RFC 8058 one-click unsubscribe headers."""
    context = {"inhoud": mail_inhoud, "abonnement": abonnement}
    mail = Bericht(
        subject=f"Kandidatenoverzicht: uw signalen op {mail_inhoud.peildatum:%d-%m-%Y}",
        body=render_to_string("kandidaten/abonnementen/mail.txt", context),
        to=[abonnement.gebruiker.email],
        headers={
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",  # RFC 3834: no out-of-office replies
        },
        afmeld_url=mail_inhoud.afmeld_direct_url,
    )
    mail.attach_alternative(render_to_string("kandidaten/abonnementen/mail.html", context), "text/html")
    return mail


# --- unsubscribing --------------------------------------------------------------------------------------


def _signer():
    return TimestampSigner(salt=AFMELD_SALT)


def afmeldtoken(abonnement):
    return _signer().sign(str(abonnement.pk))


def abonnement_van_token(token):
    """The subscription a link names (None if it no longer exists). Raises `signing.SignatureExpired` for a link
    older than ABONNEMENT_AFMELDLINK_DAGEN and `signing.BadSignature` for one that was altered."""
    pk = _signer().unsign(token, max_age=datetime.timedelta(days=settings.ABONNEMENT_AFMELDLINK_DAGEN))
    return Abonnement.objects.filter(pk=int(pk)).select_related("gebruiker").first()


def afmelden(abonnement):
    Abonnement.objects.filter(pk=abonnement.pk, actief=True).update(actief=False, opgezegd=timezone.now())


# --- sending ----------------------------------------------------------------------------------------------


def verschuldigd(peildatum):
    """Active subscriptions whose mail for the period of `peildatum` has not gone out: daily ones every day,
    weekly ones on or after their weekday, once per ISO week."""
    dagelijks = Q(frequentie=Abonnement.Frequentie.DAGELIJKS) & ~Q(
        verzonden_periode=periode(Abonnement.Frequentie.DAGELIJKS, peildatum)
    )
    wekelijks = Q(frequentie=Abonnement.Frequentie.WEKELIJKS, weekdag__lte=peildatum.weekday()) & ~Q(
        verzonden_periode=periode(Abonnement.Frequentie.WEKELIJKS, peildatum)
    )
    return (
        Abonnement.objects.filter(dagelijks | wekelijks, actief=True, gebruiker__is_active=True)
        .exclude(gebruiker__email="")
        .select_related("gebruiker")
        .order_by("pk")
    )


def claim(abonnement, mail_periode, nu):
    """Take the subscription for `mail_periode`; True for exactly one of any number of runs that try at once."""
    vrij = ~Q(geclaimd_periode=mail_periode) | Q(geclaimd_op__lt=nu - CLAIM_GELDIG)
    geclaimd = (
        Abonnement.objects.filter(vrij, pk=abonnement.pk, actief=True)
        .exclude(verzonden_periode=mail_periode)
        .update(geclaimd_periode=mail_periode, geclaimd_op=nu)
    )
    return geclaimd == 1


def _markeer_verzonden(abonnement, mail_periode, peildatum, getallen):
    Abonnement.objects.filter(pk=abonnement.pk, geclaimd_periode=mail_periode).update(
        verzonden_periode=mail_periode, laatst_verzonden=timezone.now(), vorige_peildatum=peildatum,
        vorige_tellingen=getallen, geclaimd_periode="", geclaimd_op=None,
    )


def _geef_vrij(abonnement, mail_periode, nu):
    Abonnement.objects.filter(pk=abonnement.pk, geclaimd_periode=mail_periode, geclaimd_op=nu).update(
        geclaimd_periode="", geclaimd_op=None
    )


class MailserverOnbereikbaar(Exception):
    """No connection to the mail server: the run stops (every next mail would wait for the same timeout)."""


class _Postbus:
    """One connection to the mail server for a whole run, opened at the first mail that is due."""

    def __init__(self):
        self.mailer = None

    def verstuur(self, mail):
        if self.mailer is None:
            mailer = mailers.default
            try:
                mailer.open()
            except OSError as error:  # smtplib's errors are OSErrors too
                raise MailserverOnbereikbaar(str(error)) from error
            self.mailer = mailer
        if self.mailer.send_messages([mail]) != 1:
            raise RuntimeError("de mailserver nam de e-mail niet aan")

    def sluit(self):
        if self.mailer is not None:
            self.mailer.close()


@dataclass
class Resultaat:
    verzonden: list = field(default_factory=list)  # usernames
    mislukt: list = field(default_factory=list)
    elders_bezig: int = 0  # claimed by another run that is sending them
    proef: list = field(default_factory=list)  # dry run: would be sent


def verstuur(peildatum, *, dry_run=False):
    """Send every subscription that is due at `peildatum` (its "today"). A dry run renders every mail and
    sends nothing, claims nothing."""
    resultaat = Resultaat()
    postbus = _Postbus()
    try:
        for abonnement in verschuldigd(peildatum):
            if dry_run:
                bericht(abonnement, inhoud(abonnement, peildatum, tellingen(abonnement, peildatum)))
                resultaat.proef.append(abonnement.gebruiker.username)
            else:
                _verstuur_een(abonnement, peildatum, postbus, resultaat)
    finally:
        postbus.sluit()
    return resultaat


def _verstuur_een(abonnement, peildatum, postbus, resultaat):
    mail_periode = abonnement.periode_op(peildatum)
    nu = timezone.now()
    if not claim(abonnement, mail_periode, nu):
        resultaat.elders_bezig += 1
        return
    naam = abonnement.gebruiker.username
    try:
        getallen = tellingen(abonnement, peildatum)
        postbus.verstuur(bericht(abonnement, inhoud(abonnement, peildatum, getallen)))
    except MailserverOnbereikbaar:
        _geef_vrij(abonnement, mail_periode, nu)
        logger.exception("Mailserver onbereikbaar; e-mailabonnement van %s niet verzonden", naam)
        resultaat.mislukt.append(naam)
        raise
    except Exception:
        _geef_vrij(abonnement, mail_periode, nu)
        logger.exception("E-mailabonnement van %s niet verzonden (periode %s)", naam, mail_periode)
        resultaat.mislukt.append(naam)
        return
    _markeer_verzonden(abonnement, mail_periode, peildatum, getallen)
    resultaat.verzonden.append(naam)

"""E-mail subscription pages: the settings page, unsubscribing from a mail's link, and the mail's links into the app.

Thin: what a mail says and when it goes out live in kandidaten.services.abonnementen.
"""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from kandidaten.models import Abonnement
from kandidaten.scoping import scope_van
from kandidaten.selectors import keuzes, signalen
from kandidaten.services import abonnementen


class AbonnementForm(forms.ModelForm):
    begeleider = forms.ChoiceField(
        label="Begeleider", required=False,
        help_text="Tel alleen de kandidaten van deze begeleider (Begeleider Compas), ook in de werklijst.",
        error_messages={"invalid_choice": "Deze begeleider komt bij uw kandidaten niet voor."},
    )
    uitvoerende = forms.CharField(
        label="Uitvoerende", required=False, max_length=200,
        help_text="Tel alleen trajecten, modules en plaatsingen van deze uitvoerende: (een deel van) de naam, "
                  "hoofdletters en accenten maken niet uit, zoals op het overzicht.",
    )

    class Meta:
        model = Abonnement
        fields = ["actief", "frequentie", "weekdag", "begeleider", "uitvoerende"]
        labels = {"actief": "Stuur mij deze e-mail", "frequentie": "Hoe vaak", "weekdag": "Op welke dag (wekelijks)"}
        widgets = {"frequentie": forms.RadioSelect}

    def __init__(self, *args, begeleiders, **kwargs):
        super().__init__(*args, **kwargs)
        namen = list(begeleiders)
        opgeslagen = self.instance.begeleider
        if opgeslagen and opgeslagen not in namen:
            namen.append(opgeslagen)  # still shown as chosen; counts 0 until it is back among her clients
        self.fields["begeleider"].choices = [("", "Alle begeleiders")] + [(naam, naam) for naam in namen]


def _abonnement(user):
    """The user's subscription, or a new (unsaved) one narrowed on her own begeleider name."""
    return Abonnement.objects.filter(gebruiker=user).first() or Abonnement(
        gebruiker=user, begeleider=user.begeleider_naam
    )


def instellingen(request):
    abonnement = _abonnement(request.user)
    nieuw = abonnement.pk is None
    opties = keuzes.keuzes(scope_van(request))
    form = AbonnementForm(request.POST or None, instance=abonnement, begeleiders=opties.begeleiders)
    if request.method == "POST" and form.is_valid():
        abonnement = form.save(commit=False)
        if abonnement.actief:
            abonnement.opgezegd = None
        elif abonnement.opgezegd is None:
            abonnement.opgezegd = timezone.now()
        if {"begeleider", "uitvoerende"} & set(form.changed_data):
            # Other numbers: a change against the old narrowing's would mislead; the next mail starts afresh.
            abonnement.vorige_tellingen, abonnement.vorige_peildatum = {}, None
        abonnement.save()
        messages.success(request, "Uw e-mailabonnement is opgeslagen." if abonnement.actief
                         else "U ontvangt deze e-mail niet meer.")
        return redirect("abonnementen:instellingen")
    return render(request, "kandidaten/abonnementen/instellingen.html", {
        "form": form,
        "nieuw": nieuw,
        "abonnement": abonnement,
        "uitvoerenden": opties.uitvoerenden,
    })


# --- unsubscribing: no login, the signed link is the key -------------------------------------------------


def _uit_link(token):
    """(subscription or None, problem or ""): "verlopen" or "ongeldig" for a link that cannot be used."""
    try:
        return abonnementen.abonnement_van_token(token), ""
    except signing.SignatureExpired:
        return None, "verlopen"
    except signing.BadSignature:
        return None, "ongeldig"


STATUS = {"verlopen": 410, "ongeldig": 400}


@login_not_required
@require_http_methods(["GET", "POST"])
def afmelden(request, token):
    """GET shows one button (mail scanners open links: a GET changes nothing); its POST unsubscribes."""
    abonnement, probleem = _uit_link(token)
    afgemeld = False
    if not probleem and request.method == "POST":
        if abonnement is not None:
            abonnementen.afmelden(abonnement)
        afgemeld = True
    context = {"probleem": probleem, "afgemeld": afgemeld, "link_dagen": settings.ABONNEMENT_AFMELDLINK_DAGEN}
    return render(request, "kandidaten/abonnementen/afmelden.html", context, status=STATUS.get(probleem, 200))


@login_not_required
@csrf_exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" without a form; the signature is the key
@require_POST
def afmelden_direct(request, token):
    abonnement, probleem = _uit_link(token)
    if probleem:
        return HttpResponse(f"Afmeldlink {probleem}.", status=STATUS[probleem], content_type="text/plain")
    if abonnement is not None:
        abonnementen.afmelden(abonnement)
    return HttpResponse("U bent afgemeld.", content_type="text/plain; charset=utf-8")


# --- the mail's links: the subscriber's own narrowing is added here, so the mail carries no names -----------


def _narrowed(url, request, **extra):
    abonnement = Abonnement.objects.filter(gebruiker=request.user).first()
    params = {"peildatum": request.GET.get("peildatum", "")} | extra
    if abonnement is not None:
        params |= abonnementen.vernauwing(abonnement).als_dict()
    return redirect(url + "?" + urlencode({key: value for key, value in params.items() if value}, doseq=True))


def open_paneel(request):
    return _narrowed(reverse("overzicht"), request)


def open_signaal(request, groep, teller):
    if signalen.teller_of_none(groep, teller) is None:
        raise Http404("Dit signaal bestaat niet.")
    return _narrowed(reverse("signalen:lijst", args=[groep, teller]), request)


def open_werklijst(request):
    abonnement = Abonnement.objects.filter(gebruiker=request.user).first()
    if abonnement is not None and abonnement.begeleider:
        return redirect(reverse("kandidaten:profiel_nodig") + "?" + urlencode({"begeleider": abonnement.begeleider}))
    return redirect(reverse("kandidaten:lijst") + "?profiel_nodig=ja")

"""UWV's table "Transparantie van klantprofielen" from our own data: as of a date, its trend, beside UWV.

Thin views: the numbers come from `kandidaten.selectors.transparantie`, the scope from `kandidaten.scoping`,
the upload's reading and checking from `kandidaten.services.uwv_publicatie` (docs/transparantie.md).
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from kandidaten import charts_transparantie as charts
from kandidaten.exporting import FORMATS, ExportColumn, export_response
from kandidaten.fields import DatumVeld
from kandidaten.importing.errors import UnreadableFile
from kandidaten.models import Arbeidsmarktregio, AuditEvent, UwvTelling
from kandidaten.scoping import gemeenten_voor
from kandidaten.selectors import transparantie as selectors
from kandidaten.services import uwv_publicatie
from kandidaten.widgets import FastSelect


class RapportForm(forms.Form):
    """The as-of date (a quarter or any date) and the narrowing; every value lives in the URL."""

    kwartaal = forms.ChoiceField(
        label="Kwartaal", required=False,
        error_messages={"invalid_choice": "Kies een kwartaal uit de lijst."},
    )
    stand = DatumVeld(
        label="Of een datum", required=False,
        error_messages={"invalid": "Vul de datum in als dd-mm-jjjj, bijvoorbeeld 30-06-2025."},
    )
    regio = forms.TypedChoiceField(
        label="Arbeidsmarktregio", required=False, coerce=int, empty_value=None, widget=FastSelect,
        error_messages={"invalid_choice": "Deze arbeidsmarktregio hoort niet bij uw gemeenten."},
    )
    gemeente = forms.TypedChoiceField(
        label="Gemeente", required=False, coerce=int, empty_value=None, widget=FastSelect,
        error_messages={"invalid_choice": "Deze gemeente hoort niet bij uw gemeenten."},
    )

    def __init__(self, data, *, kwartalen, regios, gemeenten):
        super().__init__(data)
        gevraagd = uwv_publicatie.kwartaal_sleutel((data or {}).get("kwartaal"))
        if gevraagd and gevraagd not in kwartalen and "stand" in self.fields:
            kwartalen = sorted([*kwartalen, gevraagd], reverse=True)  # a quarter before our data: "geen gegevens"
        self.fields["kwartaal"].widget.attrs["aria-describedby"] = "kwartaal-hint"
        self.fields["kwartaal"].choices = [("", "Kies een kwartaal")] + [
            (kwartaal, selectors.kwartaal_label(kwartaal)) for kwartaal in kwartalen
        ]
        self.fields["regio"].choices = [("", "Alle arbeidsmarktregio's")] + [
            (str(pk), f"{nummer} {naam}") for pk, nummer, naam in regios
        ]
        self.fields["gemeente"].choices = [("", "Alle gemeenten")] + [(str(pk), naam) for pk, naam in gemeenten]


@dataclass
class Keuze:
    """What the URL asks for, checked: the date, the narrowing, and the scope it applies to."""

    form: RapportForm
    datum: datetime.date
    regio: int | None
    gemeente: int | None
    scope: object  # the Gemeente queryset the user may see
    url: dict  # the URL's parameters as given

    def query(self, **extra):
        params = {key: value for key, value in self.url.items() if key != "_export" and value}
        params.update({key: value for key, value in extra.items() if value is not None})
        return urlencode(params)

    def kwartaal_query(self, kwartaal):
        """The same narrowing at the end of `kwartaal`: the links between the report and the comparison."""
        params = {"kwartaal": kwartaal, "regio": self.regio, "gemeente": self.gemeente}
        return urlencode({key: value for key, value in params.items() if value})

    def audit(self):
        return {"datum": self.datum.isoformat(), "regio": self.regio, "gemeente": self.gemeente}


def _kwartalen(scope, vandaag):
    """From the quarter of the first stored stand up to the current one, newest first."""
    eerste = selectors.eerste_stand(scope) or vandaag
    einden = selectors.kwartaaleinden(eerste, selectors.einde_kwartaal(selectors.kwartaal_van(vandaag)))
    return [selectors.kwartaal_van(einde) for einde in reversed(einden)]


class VergelijkForm(RapportForm):
    """Beside UWV: only the quarters UWV published, no free date."""

    stand = None


def lees_keuze(request, form_class=RapportForm, kwartalen=None, standaard_kwartaal=None):
    """The form from the URL; a wrong value becomes a form error and is ignored (the date: today)."""
    scope = gemeenten_voor(request.user)
    vandaag = timezone.localdate()
    regios = Arbeidsmarktregio.objects.filter(gemeenten__in=scope).distinct().values_list("pk", "nummer", "naam")
    data = request.GET
    if standaard_kwartaal and not data.get("kwartaal"):
        data = data.copy()
        data["kwartaal"] = standaard_kwartaal
    form = form_class(
        data, kwartalen=_kwartalen(scope, vandaag) if kwartalen is None else kwartalen, regios=regios,
        gemeenten=scope.order_by("naam").values_list("pk", "naam"),
    )
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    if cleaned.get("kwartaal"):
        # The current quarter's end lies ahead: its report is today's.
        datum = min(selectors.einde_kwartaal(cleaned["kwartaal"]), vandaag)
    else:
        datum = cleaned.get("stand") or vandaag
    url = dict(data.items())
    if "stand" in form.fields and "stand" not in form.errors:
        # Shown again: the date in effect, and no quarter chosen. A quarter picked next then arrives beside the
        # old date (and wins); a date typed next arrives alone. No script needed to tell which one changed.
        form.data = {**url, "kwartaal": "", "stand": f"{datum:%d-%m-%Y}"}
    return Keuze(form, datum, cleaned.get("regio"), cleaned.get("gemeente"), scope, url)


def _trendfiguren(punten):
    kort = [charts.Lijnpunt(_kort_label(p), p.aantallen.totaal, charts.getal(p.aantallen.totaal)) for p in punten]
    aandeel = [
        charts.Lijnpunt(_kort_label(p), p.aantallen.aandeel_profiel, charts.procent_tekst(p.aantallen.aandeel_profiel))
        for p in punten
    ]
    return [
        ("Totaal in Sonar",
         charts.lijngrafiek("trend-totaal", "Totaal in Sonar per kwartaal", kort, eenheid="kandidaten")),
        ("Met profiel (%)",
         charts.lijngrafiek("trend-profiel", "Aandeel met een klantprofiel per kwartaal", aandeel, procent=True)),
    ]


def _kort_label(punt):
    if punt.label.startswith("stand"):
        return f"{punt.datum:%d-%m}"
    return f"{punt.datum.year} K{selectors.kwartaal_van(punt.datum)[-1]}"


def _export_kolommen():
    return [ExportColumn(kolom.kop, kolom.waarde, 16) for kolom in selectors.UWV_TABEL + selectors.ERNAAST]


@permission_required("kandidaten.view_transparantie", raise_exception=True)
def rapport(request):
    keuze = lees_keuze(request)
    uitkomst = selectors.rapport(keuze.scope, keuze.datum, regio=keuze.regio, gemeente=keuze.gemeente)
    fmt = request.GET.get("_export")
    if fmt:
        if fmt not in FORMATS:
            raise Http404("Onbekend exportformaat.")
        return export_response(
            request, rows=uitkomst.rijen, columns=_export_kolommen(), fmt=fmt,
            filename_base="transparantie", description=f"Transparantie van klantprofielen op {keuze.datum:%d-%m-%Y}",
            filters=keuze.audit(), gemeenten=keuze.scope,  # counts, no names: read by whom the table is about
        )
    punten = selectors.trend(keuze.scope, keuze.datum, regio=keuze.regio, gemeente=keuze.gemeente)
    uwv_kwartaal = selectors.kwartaal_van(keuze.datum)
    context = {
        "keuze": keuze,
        "form": keuze.form,
        "rapport": uitkomst,
        "kwartaal_label": selectors.kwartaal_label(uwv_kwartaal),
        "op_kwartaaleinde": keuze.datum == selectors.einde_kwartaal(uwv_kwartaal),
        "verschillende_standen": uitkomst.eerste_stand != uitkomst.laatste_stand,
        "punten": punten,
        "figuren": _trendfiguren(punten) if punten else [],
        "uwv_kwartaal": uwv_kwartaal if uwv_kwartaal in selectors.kwartalen_van_uwv() else None,
        "uwv_query": keuze.kwartaal_query(uwv_kwartaal),
        "export_xlsx": keuze.query(_export="xlsx"),
        "export_csv": keuze.query(_export="csv"),
        "onbekend": next((rij.aantallen for rij in uitkomst.rijen if rij.soort == selectors.ONBEKEND), None),
    }
    return render(request, "kandidaten/transparantie/rapport.html", context)


@permission_required("kandidaten.view_transparantie", raise_exception=True)
def uwv(request):
    """Ours beside UWV's published figures for one quarter (default: the latest UWV published)."""
    kwartalen = selectors.kwartalen_van_uwv()
    keuze = lees_keuze(request, VergelijkForm, kwartalen, standaard_kwartaal=kwartalen[0] if kwartalen else None)
    kwartaal = keuze.form.cleaned_data.get("kwartaal") or (kwartalen[0] if kwartalen else None)
    if kwartaal is None:
        return render(request, "kandidaten/transparantie/uwv.html", {"keuze": keuze, "form": keuze.form})
    ons, rijen = selectors.vergelijking(keuze.scope, kwartaal, regio=keuze.regio, gemeente=keuze.gemeente)
    context = {
        "keuze": keuze,
        "form": keuze.form,
        "kwartaal": kwartaal,
        "kwartaal_label": selectors.kwartaal_label(kwartaal),
        "ons": ons,
        "rijen": rijen,
        "kolommen": [kolom.kop for kolom in selectors.UWV_TABEL[2:]],
        "rapport_query": keuze.kwartaal_query(kwartaal),
    }
    return render(request, "kandidaten/transparantie/uwv.html", context)


class UwvUploadForm(forms.Form):
    bestand = forms.FileField(label="Bestand", help_text="UWV's tabel als CSV of Excel (.xlsx).")
    kwartaal = forms.CharField(
        label="Kwartaal", required=False, max_length=20,
        help_text="Bijvoorbeeld 2025-Q2. Niet nodig als het bestand een kolom Kwartaal heeft.",
    )

    def clean_kwartaal(self):
        tekst = self.cleaned_data["kwartaal"]
        if not tekst:
            return None
        kwartaal = uwv_publicatie.kwartaal_sleutel(tekst)
        if kwartaal is None:
            raise forms.ValidationError("Schrijf het kwartaal als jaar en kwartaal, bijvoorbeeld 2025-Q2.")
        return kwartaal


MAX_FOUTEN_OP_SCHERM = 50


@permission_required("kandidaten.add_uwvtelling", raise_exception=True)
def uwv_upload(request):
    """Beheer adds (or replaces) the published figures of a quarter; nothing is stored when a row is wrong."""
    form = UwvUploadForm(request.POST or None, request.FILES or None)
    fouten = []
    if request.method == "POST" and form.is_valid():
        uitkomst, fouten = _lees_upload(form.cleaned_data["bestand"], form.cleaned_data["kwartaal"])
        if not fouten:
            return _bewaar_upload(request, uitkomst, form.cleaned_data["bestand"].name)
    context = {
        "form": form,
        "fouten": fouten[:MAX_FOUTEN_OP_SCHERM],
        "meer_fouten": max(len(fouten) - MAX_FOUTEN_OP_SCHERM, 0),
        "kwartalen": UwvTelling.objects.values("kwartaal").annotate(
            gemeenten=Count("pk"), totaal=Sum("totaal")).order_by("-kwartaal"),
    }
    return render(request, "kandidaten/transparantie/uwv_upload.html", context, status=400 if fouten else 200)


def _lees_upload(upload, kwartaal):
    """(Uitkomst, errors): the file is read from a temporary copy by the importer's reader."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as map_:
        pad = Path(map_) / ("upload" + Path(upload.name).suffix.lower()[:8])
        with pad.open("wb") as doel:
            for stuk in upload.chunks():
                doel.write(stuk)
        try:
            uitkomst = uwv_publicatie.lees_bestand(pad, upload.name, kwartaal=kwartaal)
        except UnreadableFile as fout:
            return None, [str(fout)]
    return uitkomst, uitkomst.fouten


def _bewaar_upload(request, uitkomst, naam):
    kwartalen = ", ".join(uitkomst.kwartalen)
    with transaction.atomic():
        aantal = uwv_publicatie.bewaar(uitkomst, UwvTelling)
        AuditEvent.record(
            request, AuditEvent.Actie.IMPORT, f"UWV-cijfers transparantie {kwartalen} uit {naam}",
            aantal_rijen=aantal, filters={"kwartalen": uitkomst.kwartalen},
        )
    messages.success(request, f"UWV's cijfers van {kwartalen} opgeslagen: {aantal} gemeenten.")
    for melding in uitkomst.meldingen[:20]:
        messages.warning(request, melding)
    return redirect(f"{reverse('transparantie:uwv')}?{urlencode({'kwartaal': uitkomst.kwartalen[-1]})}")

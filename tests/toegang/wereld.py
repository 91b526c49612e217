"""The world the access matrix and the fuzzing walk: every URL pattern of the app, real objects to fill
their parameters, and the seven kinds of visitor of docs/toegang.md.

Every object lives in gemeente Epe ("own"); the "other" users work in Apeldoorn.
"""

import datetime
import fnmatch
import re
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kandidaten.importing import errors_path
from kandidaten.models import (
    Abonnement,
    Arbeidsmarktregio,
    AuditEvent,
    BewaardeLijst,
    Doelgroep,
    DoelgroepregisterTotaal,
    Gebruiker,
    Gemeente,
    GemeenteAlias,
    Import,
    Kandidaat,
    KandidaatWijziging,
    Module,
    Plaatsing,
    Traject,
)
from kandidaten.roles import BEHEER, MEDEWERKER, TEAMLEIDER
from kandidaten.services.abonnementen import afmeldtoken
from tests.factories import make_kandidaat, make_module, make_plaatsing, make_traject, make_user

EIGEN, ANDER = "Epe", "Apeldoorn"
# The columns of the matrix in docs/toegang.md: "own" works in Epe, where the objects are; "other" in Apeldoorn.
ROLLEN = ("anonymous", "medewerker own", "medewerker other", "teamleider", "beheer own", "beheer other", "superuser")

# The parameters of the app's own URLs, by URL name (fnmatch pattern): a new URL with parameters gets a line.
PARAMETERS = {
    "kandidaten:detail": lambda w: {"pk": w.objecten[Kandidaat].pk},
    "kandidaten:opvolging": lambda w: {"pk": w.objecten[Kandidaat].pk},
    "imports:*": lambda w: {"uuid": w.objecten[Import].uuid},
    "signalen:lijst": lambda w: {"groep": "trajecten", "teller": "actief"},
    "lijsten:verwijderen": lambda w: {"pk": w.objecten[BewaardeLijst].pk},
    "abonnementen:open_signaal": lambda w: {"groep": "trajecten", "teller": "actief"},
    "abonnementen:afmelden*": lambda w: {"token": afmeldtoken(
        Abonnement.objects.get_or_create(gebruiker=w.objecten[Gebruiker])[0])},
    "admin:app_list": lambda w: {"app_label": "kandidaten"},
    "admin:auth_user_password_change": lambda w: {"id": w.objecten[Gebruiker].pk},
    "admin:view_on_site": lambda w: {
        "content_type_id": ContentType.objects.get_for_model(Kandidaat).pk, "object_id": w.objecten[Kandidaat].pk,
    },
}


@dataclass(frozen=True)
class Route:
    sleutel: str  # the URL name, or the route for an unnamed pattern: what a row of the matrix names
    naam: str | None
    route: str
    parameters: tuple


def routes():
    """Every URL pattern of the app, the admin's included."""
    def walk(patterns, prefix, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = ":".join(filter(None, [namespace, entry.namespace])) if entry.namespace else namespace
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                naam = ":".join(filter(None, [namespace, entry.name])) if entry.name else None
                route = prefix + str(entry.pattern)
                parameters = tuple(entry.pattern.regex.groupindex)
                yield Route(naam or route, naam, route, parameters)

    return list(walk(get_resolver().url_patterns, "", ""))


def admin_model(route):
    """The model of an admin URL (its name or, unnamed, its path), or None."""
    for model in admin.site._registry:
        meta = model._meta
        if route.naam and route.naam.startswith(f"admin:{meta.app_label}_{meta.model_name}_"):
            return model
        if not route.naam and route.route.startswith(f"beheer/{meta.app_label}/{meta.model_name}/"):
            return model
    return None


class GeenParameters(LookupError):
    pass


def url_van(route, wereld):
    """A concrete URL for the route, its parameters filled with the world's objects."""
    kwargs = {}
    if route.parameters:
        vuller = next((fill for pattern, fill in PARAMETERS.items() if fnmatch.fnmatchcase(route.sleutel, pattern)),
                      None)
        model = admin_model(route)
        if vuller is not None:
            kwargs = vuller(wereld)
        elif route.parameters == ("object_id",) and model is not None:
            kwargs = {"object_id": wereld.objecten[model].pk}
        elif route.parameters == ("url",):
            kwargs = {"url": "bestaat-niet/"}
        else:
            raise GeenParameters(
                f"{route.sleutel} ({route.route}) heeft parameters {route.parameters}: zet in PARAMETERS in "
                "tests/toegang/wereld.py hoe de test ze vult (met objecten van gemeente Epe)."
            )
    if route.naam:
        return reverse(route.naam, kwargs=kwargs)
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)\$?", lambda m: str(kwargs[m[1] or m[2]]), route.route)


@dataclass
class Wereld:
    gebruikers: dict  # role -> user (None: anonymous)
    objecten: dict  # model -> an object of gemeente Epe


def bouw_wereld():
    eigen = Gemeente.objects.get(naam=EIGEN)
    superuser = make_user("superuser", is_superuser=True)
    Gebruiker.objects.filter(pk=superuser.pk).update(is_staff=True)
    superuser.refresh_from_db()
    gebruikers = {
        "anonymous": None,
        "medewerker own": make_user("medewerker.eigen", MEDEWERKER, gemeenten=[EIGEN]),
        "medewerker other": make_user("medewerker.ander", MEDEWERKER, gemeenten=[ANDER]),
        "teamleider": make_user("teamleider.eigen", TEAMLEIDER, gemeenten=[EIGEN]),
        "beheer own": make_user("beheer.eigen", BEHEER, gemeenten=[EIGEN]),
        "beheer other": make_user("beheer.ander", BEHEER, gemeenten=[ANDER]),
        "superuser": superuser,
    }
    kandidaat = make_kandidaat(EIGEN)
    make_kandidaat(ANDER)  # the other users have a client of their own
    traject = make_traject(kandidaat, startdatum=datetime.date(2026, 1, 5))
    record = Import.objects.create(bestandsnaam="kandidaten.xlsx", status=Import.Status.TOEGEPAST)
    record.gemeenten.set([eigen])
    fouten = errors_path(record)
    fouten.parent.mkdir(parents=True, exist_ok=True)
    fouten.write_text('[{"sheet": "Blad1", "sheet_errors": [], "header": ["Pers. nr."], '
                      '"errors": [[3, "Pers. nr.", "x", "Geen Pers. nr.", ["x"]]]}]', encoding="utf-8")
    axes = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "iemand", "http_accept": "*/*",
            "path_info": "/inloggen/"}
    objecten = {
        Kandidaat: kandidaat,
        Traject: traject,
        Module: make_module(kandidaat, traject=traject),
        Plaatsing: make_plaatsing(kandidaat),
        Import: record,
        KandidaatWijziging: KandidaatWijziging.objects.create(
            kandidaat=kandidaat, import_run=record, datum=datetime.date(2026, 1, 5), veld="klantprofiel",
            oud="N", nieuw="J"),
        AuditEvent: AuditEvent.record(gebruikers["medewerker own"], AuditEvent.Actie.KANDIDAAT_BEKEKEN,
                                      f"Kandidaat {kandidaat.pers_nr}", gemeenten=[eigen]),
        Gebruiker: make_user("collega.eigen", MEDEWERKER, gemeenten=[EIGEN]),
        BewaardeLijst: BewaardeLijst.objects.create(
            gebruiker=gebruikers["medewerker own"], naam="Profiel nodig Epe", pad="/kandidaten/",
            query="profiel_nodig=ja"),
        Gemeente: eigen,
        GemeenteAlias: GemeenteAlias.objects.create(gemeente=eigen, alias="Epe (Gld)"),
        Arbeidsmarktregio: eigen.regio,
        Doelgroep: Doelgroep.objects.first(),
        DoelgroepregisterTotaal: DoelgroepregisterTotaal.objects.create(
            kwartaal="2026-Q1", regio=eigen.regio, gemeente=eigen, personen=100),
        Group: Group.objects.get(name=MEDEWERKER),
        AccessAttempt: AccessAttempt.objects.create(get_data="", post_data="", failures_since_start=1, **axes),
        AccessLog: AccessLog.objects.create(**axes),
        AccessFailureLog: AccessFailureLog.objects.create(**axes),
        DBTaskResult: DBTaskResult.objects.create(
            args_kwargs={"args": [record.pk], "kwargs": {}}, task_path="kandidaten.importing.background.maak_voorbeeld",
            backend_name="default", run_after=timezone.now()),
    }
    return Wereld(gebruikers, objecten)

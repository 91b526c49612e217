"""Benchmark of the overview's signal panel and its drill-down lists (issue #5).

    python -m bench panel

Figures, each for two scopes: national (a superuser over all ~1,000,000 items) and a werkbedrijf
(a user with the gemeenten Apeldoorn, Epe and Heerde):
- the overview page (panel, option lists, pictures) server time, median of 5 requests, through
  django.test.Client, and its number of queries; the panel's own queries (`paneeltellingen.paneel`) counted apart;
- the first overview request after a change of the data (an import): it counts and stores the counts;
- drill-down pages: p95 over 20 requests (each of the 17 counters, plus sorted and later pages).
Floor (same run): the cheapest query that touches what the panel must touch, counting the items active
at the peildatum in the three tables through the (in_bron, startdatum, einddatum) index, without the
other 16 counters, without the clients and without the scope.
"""

import statistics
import time

from bench.measure import Row, percentile, timed

SECTION = "signaalpaneel"
PANEL_TARGET_MS = 150
PANEL_MAX_QUERIES = 3
DRILL_TARGET_P95_MS = 100
REPEAT = 5
WERKBEDRIJF = ["Apeldoorn", "Epe", "Heerde"]


def ensure_data():
    from bench.data import ensure_national

    ensure_national()


def _users():
    from kandidaten.models import Gebruiker, Gemeente

    superuser, _ = Gebruiker.objects.get_or_create(
        username="bench-paneel-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    werkbedrijf, _ = Gebruiker.objects.get_or_create(username="bench-paneel-werkbedrijf")
    werkbedrijf.gemeenten.set(Gemeente.objects.filter(naam__in=WERKBEDRIJF))
    return {"landelijk": superuser, "werkbedrijf": werkbedrijf}


def _client(user):
    from django.test import Client

    client = Client(SERVER_NAME="localhost")  # an ALLOWED_HOSTS name; "testserver" is for tests only
    client.force_login(user)
    return client


def _get(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")
    return seconds * 1000, len(queries), response


def _median_ms(client, url, repeat=REPEAT):
    """The median server time of `repeat` requests of `url`, and the queries of the last one."""
    runs = [_get(client, url) for _ in range(repeat)]
    return statistics.median(ms for ms, _count, _response in runs), runs[-1][1]


def _floor_ms(peildatum):
    """Count the active items of the three tables (index range scan, nothing else); median of REPEAT runs."""
    from django.db.models import Q

    from kandidaten.models import Module, Plaatsing, Traject

    actief = Q(startdatum__lte=peildatum) & (Q(einddatum__isnull=True) | Q(einddatum__gte=peildatum))

    def tel():
        for model in (Traject, Module, Plaatsing):
            model.objects.filter(actief, in_bron=True).order_by().count()

    return timed(tel, repeat=REPEAT)[0] * 1000


def _drill_urls(query):
    from django.urls import reverse

    from kandidaten.selectors.signalen import GROEPEN

    urls = [f"{reverse('signalen:lijst', args=[g.slug, t.slug])}?{query}" for g in GROEPEN.values() for t in g.tellers]
    base = reverse("signalen:lijst", args=["modules", "actief"])
    urls += [f"{base}?{query}&sort=-einde", f"{base}?{query}&sort=begeleider&page=3",
             f"{reverse('signalen:lijst', args=['trajecten', 'signaal_verstreken'])}?{query}&per_page=100&page=2",
             f"{base}?{query}&uitvoerende=alrijde"]  # issue #16: an uitvoerende by a part of its name
    return urls


def run(ctx):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from kandidaten.models import Datastand
    from kandidaten.services import paneeltellingen

    ensure_data()
    peildatum = timezone.localdate()
    query = f"peildatum={peildatum:%d-%m-%Y}"
    floor = _floor_ms(peildatum)
    rows = []
    for scope, user in _users().items():
        client = _client(user)
        _get(client, f"/?{query}")  # warm up: session, caches
        # The first request after an import counts the items and stores the counts per gemeente.
        Datastand.verhoog()
        cold_ms, _count, _response = _get(client, f"/?{query}")
        rows.append(Row(
            SECTION, f"overzichtspagina, {scope}: eerste aanvraag na een import (telt en bewaart)", cold_ms, "ms",
            floor=floor, floor_label="actieve items tellen, index",
        ))
        page_ms, page_queries = _median_ms(client, f"/?{query}")
        with CaptureQueriesContext(connection) as panel_queries:
            paneeltellingen.paneel(user, peildatum)
        rows.append(Row(
            SECTION, f"overzichtspagina, {scope}: servertijd (mediaan)", page_ms, "ms",
            floor=floor, floor_label="actieve items tellen, index", target=f"≤ {PANEL_TARGET_MS} ms",
            ok=page_ms <= PANEL_TARGET_MS,
        ))
        rows.append(Row(
            SECTION, f"paneel (17 tellers), {scope}: queries", len(panel_queries), "queries",
            target=f"≤ {PANEL_MAX_QUERIES}", ok=len(panel_queries) <= PANEL_MAX_QUERIES,
        ))
        rows.append(Row(SECTION, f"overzichtspagina, {scope}: queries (met sessie, menu, keuzelijsten)",
                        page_queries, "queries"))
        drill = []
        for url in _drill_urls(query):
            ms, _count, _response = _get(client, url)
            drill.append(ms)
        p95 = percentile(drill, 0.95)
        rows.append(Row(
            SECTION, f"doorkliklijst, {scope}: servertijd p95 ({len(drill)} lijsten)", p95, "ms",
            floor=floor, floor_label="actieve items tellen, index", target=f"≤ {DRILL_TARGET_P95_MS} ms",
            ok=p95 <= DRILL_TARGET_P95_MS,
        ))
    return rows


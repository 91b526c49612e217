"""Benchmark of the transparency report (issue #13).

    python -m bench transparantie

National scale (~250,000 clients of the demo), two scopes (a superuser: the country; a user with Apeldoorn, Epe
and Heerde). The report reads stored counts per gemeente and stand; the bench database gets three years of
weekly stands (156 stands x 343 gemeenten, made once from the current counts) so that "the latest row <= D"
looks through a realistic history.
- report page server time (median of REPEAT requests through django.test.Client, trend included): today, and
  the end of a quarter two years back ("a past quarter as fast as the present one");
- the page's queries;
- recording the state of every gemeente (`leg_stand_vast`, what a national import adds to its transaction).
Floor (same run): the raw GROUP BY over the client table that counting live would need at the very least:
the clients counted in Sonar by gemeente, klant van and klantprofiel, one SQL statement through a cursor.
"""

import datetime
import time

from bench.measure import Row, timed
from bench.panel_bench import _client, _get, _median_ms, _users  # the same two users: a superuser and a werkbedrijf

SECTION = "transparantie"
PAGE_TARGET_MS = 300
FLOOR_FACTOR = 3
PAST_FACTOR = 1.5  # noise allowance for "as fast as the present"
REPEAT = 7
WEKEN_HISTORIE = 156


def ensure_data():
    from bench.data import ensure_national

    ensure_national()
    _ensure_history()


def _ensure_history():
    """Weekly stored states for three years back, from today's counts (once)."""
    from django.utils import timezone

    from kandidaten.models import Gemeente, TransparantieTelling
    from kandidaten.services.transparantie import tel_per_gemeente

    vandaag = timezone.localdate()
    oudste = vandaag - datetime.timedelta(weeks=WEKEN_HISTORIE)
    if TransparantieTelling.objects.filter(stand__lte=oudste).exists():
        return
    tellingen = tel_per_gemeente()
    gemeente_ids = list(Gemeente.objects.values_list("pk", flat=True))
    rows = []
    for week in range(1, WEKEN_HISTORIE + 1):
        stand = vandaag - datetime.timedelta(weeks=week)
        krimp = 1 - week / (2 * WEKEN_HISTORIE)  # fewer clients further back: the trend has a slope
        for gemeente_id in gemeente_ids:
            counts = {kolom: int(aantal * krimp) for kolom, aantal in tellingen.get(gemeente_id, {}).items()}
            rows.append(TransparantieTelling(stand=stand, gemeente_id=gemeente_id, **counts))
    TransparantieTelling.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)


def _users_with_the_report():
    """The panel's two users; the werkbedrijf one gets the teamleider role, who may open the report."""
    from django.contrib.auth.models import Group

    from kandidaten.roles import TEAMLEIDER

    users = _users()
    users["werkbedrijf"].groups.add(Group.objects.get(name=TEAMLEIDER))
    return users


def _floor_ms():
    from django.db import connection

    from kandidaten.models import Kandidaat

    table = Kandidaat._meta.db_table
    sql = (f"SELECT gemeente_id, klant_van, klantprofiel, COUNT(*) FROM {table} "
           "WHERE in_bron AND telt_in_sonar GROUP BY gemeente_id, klant_van, klantprofiel")
    with connection.cursor() as cursor:
        return timed(lambda: (cursor.execute(sql), cursor.fetchall()), repeat=REPEAT)[0] * 1000


def _page_ms(client, url):
    _get(client, url)  # warm up
    return _median_ms(client, url, REPEAT)


def _vastleggen_ms():
    """leg_stand_vast for every gemeente, in a transaction that is rolled back."""
    from django.db import transaction
    from django.utils import timezone

    from kandidaten.models import Gemeente
    from kandidaten.services.transparantie import leg_stand_vast

    gemeente_ids = set(Gemeente.objects.values_list("pk", flat=True))
    with transaction.atomic():
        start = time.perf_counter()
        leg_stand_vast(stand=timezone.localdate(), gemeente_ids=gemeente_ids)
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return seconds * 1000


def run(ctx):
    from django.utils import timezone

    from kandidaten.selectors.transparantie import einde_kwartaal, kwartaal_van

    ensure_data()
    floor = _floor_ms()
    label = "GROUP BY over de kandidaten (ruw SQL)"
    verleden = kwartaal_van(einde_kwartaal(kwartaal_van(timezone.localdate())) - datetime.timedelta(days=2 * 365))
    rows = []
    for scope, user in _users_with_the_report().items():
        client = _client(user)
        nu_ms, queries = _page_ms(client, "/transparantie/")
        toen_ms, _queries = _page_ms(client, f"/transparantie/?kwartaal={verleden}")
        for wanneer, ms in (("vandaag", nu_ms), (f"kwartaal {verleden}", toen_ms)):
            ok = ms <= PAGE_TARGET_MS and (scope != "landelijk" or ms <= FLOOR_FACTOR * floor)
            rows.append(Row(
                SECTION, f"rapportpagina, {scope}, {wanneer}: servertijd (mediaan)", ms, "ms", floor=floor,
                floor_label=label, target=f"≤ {PAGE_TARGET_MS} ms en ≤ {FLOOR_FACTOR}× vloer", ok=ok,
            ))
        rows.append(Row(
            SECTION, f"rapportpagina, {scope}: verleden kwartaal / vandaag", toen_ms / nu_ms, "×",
            target=f"≤ {PAST_FACTOR}×", ok=toen_ms / nu_ms <= PAST_FACTOR,
        ))
        rows.append(Row(SECTION, f"rapportpagina, {scope}: queries (met sessie, menu, trend)", queries, "queries"))
    rows.append(Row(SECTION, "stand vastleggen, alle gemeenten (in de importtransactie)", _vastleggen_ms(), "ms",
                    floor=floor, floor_label=label))
    return rows

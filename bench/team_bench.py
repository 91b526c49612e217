"""Benchmark of the team overview /team/ (issue #17).

    python -m bench team

Figures, each for two scopes on the national demo (~250,000 clients, ~1,000,000 items): a superuser over the
country, and a teamleider of a werkbedrijf (Apeldoorn, Epe, Heerde):
- the page's server time, median of 5 requests through django.test.Client, and its number of queries;
- the first request after a change of the data (an import): it counts and stores the counts per gemeente;
- the page with follow-ups set for 1% and for 25% of the clients who need a profile (the live part reads those).
Floor (same run): the raw GROUP BY of the active trajecten and modules by their client's begeleider, without the
five counters, the clients, the follow-up or the scope: what counting the overview's item columns live would
at least cost.
"""


from bench.measure import Row, timed
from bench.panel_bench import _client, _get, _median_ms, ensure_data

SECTION = "teamoverzicht"
TARGET_MS = 150
REPEAT = 5
WERKBEDRIJF = ["Apeldoorn", "Epe", "Heerde"]
FLOOR_LABEL = "actieve trajecten en modules per begeleider, GROUP BY"


def _users():
    from django.contrib.auth.models import Group

    from kandidaten.models import Gebruiker, Gemeente
    from kandidaten.roles import TEAMLEIDER

    superuser, _ = Gebruiker.objects.get_or_create(
        username="bench-team-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    teamleider, _ = Gebruiker.objects.get_or_create(username="bench-team-werkbedrijf", defaults={"is_staff": True})
    teamleider.gemeenten.set(Gemeente.objects.filter(naam__in=WERKBEDRIJF))
    teamleider.groups.set([Group.objects.get(name=TEAMLEIDER)])
    return {"landelijk": superuser, "werkbedrijf": teamleider}


def _floor_ms(peildatum):
    from django.db.models import Count

    from kandidaten.models import Module, Traject
    from kandidaten.models.items import actief_op

    def groepeer():
        for model in (Traject, Module):
            list(model.objects.filter(actief_op(peildatum), in_bron=True).values("kandidaat__begeleider")
                 .annotate(n=Count("id")).order_by())

    return timed(groepeer, repeat=REPEAT)[0] * 1000


def _follow_ups(fraction=0.01):
    """Follow-ups for a share of the clients who need a profile (all statuses), as teams would have them."""
    import datetime

    from django.utils import timezone

    from kandidaten.models import Kandidaat, Opvolging, OpvolgingStatus

    Opvolging.objects.all().delete()
    nodig = list(Kandidaat.objects.filter(in_bron=True, profiel_nodig=True).values_list("pk", flat=True))
    statussen = list(OpvolgingStatus)
    stap = max(1, round(1 / fraction))
    vandaag = timezone.localdate()
    rijen = []
    for index, pk in enumerate(nodig[::stap]):
        status = statussen[index % len(statussen)]
        reden = "verhuisd" if status == OpvolgingStatus.NIET_MOGELIJK else ""
        rijen.append(Opvolging(kandidaat_id=pk, status=status, reden=reden,
                               datum=vandaag - datetime.timedelta(days=index % 30)))
    Opvolging.objects.bulk_create(rijen)
    return len(nodig[::stap])


def run(ctx):
    from django.utils import timezone

    from kandidaten.models import Datastand, Opvolging
    from kandidaten.weergave import getal

    ensure_data()
    peildatum = timezone.localdate()
    url = f"/team/?peildatum={peildatum:%d-%m-%Y}"
    floor = _floor_ms(peildatum)
    rows = []
    Opvolging.objects.all().delete()
    gebruikers = _users()
    for scope, user in gebruikers.items():
        client = _client(user)
        _get(client, url)  # warm up: session, option lists
        Datastand.verhoog()
        _get(client, "/")  # the option lists of the new generation (the panel's page), so the cold figure is ours
        cold_ms, _count, _response = _get(client, url)
        rows.append(Row(SECTION, f"teamoverzicht, {scope}: eerste aanvraag na een import (telt en bewaart)", cold_ms,
                        "ms", floor=floor, floor_label=FLOOR_LABEL))
        ms, queries = _median_ms(client, url, REPEAT)
        rows.append(Row(SECTION, f"teamoverzicht, {scope}: servertijd (mediaan)", ms, "ms", floor=floor,
                        floor_label=FLOOR_LABEL, target=f"≤ {TARGET_MS} ms", ok=ms <= TARGET_MS))
        rows.append(Row(SECTION, f"teamoverzicht, {scope}: queries (met sessie, menu, keuzelijsten)", queries,
                        "queries"))
    for fractie in (0.01, 0.25):
        aantal = _follow_ups(fractie)
        for scope, user in gebruikers.items():
            client = _client(user)
            ms, _queries = _median_ms(client, url, REPEAT)
            figuur = f"teamoverzicht, {scope}: met {getal(aantal)} opvolgingen ({fractie:.0%} van profiel nodig)"
            rows.append(Row(SECTION, figuur, ms, "ms", floor=floor, floor_label=FLOOR_LABEL,
                            target=f"≤ {TARGET_MS} ms", ok=ms <= TARGET_MS))
    Opvolging.objects.all().delete()
    return rows

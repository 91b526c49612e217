"""Prepare the load-test database: national demo data (once), load-test accounts, and what each account may open.

Run in a child process with the load test's DATABASE_URL (`python -m loadtest.setup OUT.json`). Writes the
accounts (random passwords, made anew every run) with, per account, a sample of client ids in its scope, its
gemeenten and begeleiders, for the locust users to pick from.
"""

import json
import os
import random
import secrets
import sys

import django


def main(out_path):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.contrib.auth.models import Group
    from django.db.models import Count

    from bench.data import ensure_national
    from kandidaten.models import Gebruiker, Gemeente
    from kandidaten.roles import MEDEWERKER, TEAMLEIDER
    from kandidaten.scoping import kandidaten_voor

    ensure_national()  # the bench's national demo, loaded the same way

    rng = random.Random(20)
    largest = list(
        Gemeente.objects.exclude(naam="Onbekend").annotate(aantal=Count("kandidaten")).order_by("-aantal")
        .values_list("naam", flat=True)[:12]
    )
    # Who works here on a Monday morning: teamleiders of a werkbedrijf (three gemeenten), medewerkers of one
    # gemeente, and a few with the whole country in view (a national account is the heaviest case).
    plan = (
        [(f"load-teamleider-{i}", TEAMLEIDER, ["Apeldoorn", "Epe", "Heerde"], False) for i in range(6)]
        + [(f"load-medewerker-{i}", MEDEWERKER, [largest[i % len(largest)]], False) for i in range(10)]
        + [(f"load-landelijk-{i}", TEAMLEIDER, [], True) for i in range(4)]
    )
    accounts = []
    for username, role, gemeenten, national in plan:
        password = secrets.token_urlsafe(16)
        user, _ = Gebruiker.objects.update_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": national, "is_active": True}
        )
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        user.gemeenten.set(Gemeente.objects.filter(naam__in=gemeenten))
        in_scope = kandidaten_voor(user).filter(in_bron=True)
        ids = list(in_scope.order_by("?").values_list("pk", flat=True)[:200]) if national else list(
            in_scope.values_list("pk", flat=True))
        begeleiders = sorted(set(in_scope.exclude(begeleider="").values_list("begeleider", flat=True)[:2000]))
        accounts.append({
            "username": username,
            "password": password,
            "kandidaat_ids": rng.sample(ids, min(len(ids), 200)),
            "gemeente_ids": list(user.gemeenten.values_list("pk", flat=True)) or
            list(Gemeente.objects.filter(naam__in=largest).values_list("pk", flat=True)),
            "begeleiders": begeleiders[:50],
            "transparantie": user.has_perm("kandidaten.view_transparantie"),
        })
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(accounts, handle)


if __name__ == "__main__":
    main(sys.argv[1])

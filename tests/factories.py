"""Small builders for test data. Plain functions: no factory library needed."""

import datetime
import itertools

from django.contrib.auth.models import Group

from kandidaten.models import Gebruiker, Gemeente, Kandidaat, Module, Plaatsing, Traject
from kandidaten.roles import STAFF_ROLES

_counter = itertools.count(1)


def gemeente(naam):
    return Gemeente.objects.get(naam=naam)


def make_user(username, role=None, gemeenten=(), begeleider_naam="", **extra):
    user = Gebruiker.objects.create_user(
        username=username,
        password="geheim-wachtwoord-123",
        begeleider_naam=begeleider_naam,
        is_staff=role in STAFF_ROLES,
        **extra,
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    user.gemeenten.set([gemeente(g) if isinstance(g, str) else g for g in gemeenten])
    return user


def make_kandidaat(gemeente_naam="Apeldoorn", **fields):
    number = next(_counter)
    values = {
        "pers_nr": f"{number:05d}",
        "naam": f"Jansen, K{number}.",
        "doelgroep": "Client PW",
        "dgr": True,
        "banenafspraak": True,
        "sonar_status": "open",
        "klantprofiel": "N",
        "begeleider": "Beleging 100%",
    }
    values.update(fields)
    from kandidaten.keys import pers_nr_sleutel

    kandidaat = Kandidaat(gemeente=gemeente(gemeente_naam), **values)
    kandidaat.pers_nr_sleutel = pers_nr_sleutel(kandidaat.pers_nr)
    kandidaat.apply_derived_flags()
    kandidaat.save()
    return kandidaat


def _item(model, id_field, kandidaat, **fields):
    number = next(_counter)
    values = {
        id_field: f"{model.__name__[0]}{number}",
        "startdatum": datetime.date(2026, 1, 1),
        "uitvoerende": "Alrijde B",
    }
    values.update(fields)
    values.setdefault("sleutel", values[id_field].casefold())
    return model.objects.create(kandidaat=kandidaat, **values)


def make_traject(kandidaat, **fields):
    return _item(Traject, "traject_id", kandidaat, **fields)


def make_module(kandidaat, **fields):
    return _item(Module, "module_id", kandidaat, **fields)


def make_plaatsing(kandidaat, **fields):
    return _item(Plaatsing, "plaatsing_id", kandidaat, **fields)

import csv

import pytest

from kandidaten.keys import gemeente_sleutel, pers_nr_sleutel
from kandidaten.models import Arbeidsmarktregio, Doelgroep, Gemeente, GemeenteAlias, KlantVan
from kandidaten.reference_data import REGIO_CSV


@pytest.mark.django_db
def test_reference_data_has_342_gemeenten_in_35_regions_plus_onbekend():
    assert Arbeidsmarktregio.objects.count() == 35
    assert Gemeente.objects.exclude(naam="Onbekend").count() == 342
    assert Gemeente.objects.filter(regio__isnull=True).get().naam == "Onbekend"
    assert Gemeente.objects.get(naam="Apeldoorn").regio.naam == "Veluwe Stedendriehoek"


@pytest.mark.django_db
def test_every_listed_alias_resolves_to_its_gemeente():
    with REGIO_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_key = {g.sleutel: g.naam for g in Gemeente.objects.all()}
    by_key.update({a.sleutel: a.gemeente.naam for a in GemeenteAlias.objects.select_related("gemeente")})
    checked = 0
    for row in rows:
        for alias in filter(None, row["aliassen"].split("|")):
            assert by_key[gemeente_sleutel(alias)] == row["gemeente"], alias
            checked += 1
    assert checked >= 12


@pytest.mark.django_db
def test_spelling_variants_fold_to_one_gemeente():
    keys = {g.sleutel: g.naam for g in Gemeente.objects.all()}
    assert keys[gemeente_sleutel(" APELDOORN ")] == "Apeldoorn"
    assert keys[gemeente_sleutel("Sudwest Fryslan")] == "Súdwest-Fryslân"
    alias = GemeenteAlias.objects.get(sleutel=gemeente_sleutel("Den Haag"))
    assert alias.gemeente.naam == "'s-Gravenhage"


@pytest.mark.django_db
def test_default_doelgroepen_say_whose_client():
    assert Doelgroep.objects.get(naam="Client PW").klant_van == KlantVan.GEMEENTE
    assert Doelgroep.objects.get(naam="Wajong").klant_van == KlantVan.UWV


@pytest.mark.parametrize(
    ("raw", "key"),
    [("07974", "7974"), ("7974", "7974"), (7974, "7974"), (7974.0, "7974"), ("7974.0", "7974"),
     (" 0 ", "0"), ("AB12", "ab12"), (None, "")],
)
def test_pers_nr_variants_are_one_client(raw, key):
    assert pers_nr_sleutel(raw) == key

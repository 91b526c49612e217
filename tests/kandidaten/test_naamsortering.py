"""Dutch name order: surname without tussenvoegsel, accents folded, case ignored — in the list, its pages and
its export, the same on SQLite and PostgreSQL (this module runs on both); set by the importer and by save()."""

import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from kandidaten.models import Kandidaat
from kandidaten.naamsortering import _sleutel, naam_sorteersleutel, vouw
from tests.factories import make_kandidaat

# The order a Dutch list has; "Boer, A. de" and "de Boer, A." are the same name written two ways.
NEDERLANDS = [
    "Aal, A.",
    "van den Berg",
    "Berg, J. van den",
    "Bergen, A.",
    "Boer, A.",
    "Boer, A. de",
    "de Boer, B.",
    "'t Hart, K.",
    "Oosterhout, P.",
    "Østergaard, L.",
    "Öztürk, E.",
    "Van, J.",  # a surname that is only a tussenvoegsel stays a surname
    "VAN DER VEEN, M.",  # capitals as some exports write them
    "  Willems ,  J. ",  # stray spaces
    "Yilmaz, Y.",
    "Zwart, Z.",
]


@pytest.fixture(autouse=True)
def fresh_options():
    cache.clear()


def test_the_key_orders_names_the_dutch_way():
    shuffled = NEDERLANDS[::-1][1::2] + NEDERLANDS[::-1][::2]
    ordered = sorted(shuffled, key=naam_sorteersleutel)
    assert ordered.index("Boer, A. de") == ordered.index("Boer, A.") + 1
    assert naam_sorteersleutel("Boer, A. de") == naam_sorteersleutel("de Boer, A.")
    assert [n for n in ordered if n not in ("Boer, A. de",)] == [n for n in NEDERLANDS if n != "Boer, A. de"]


def test_the_key_holds_only_letters_and_digits_so_every_collation_orders_it_alike():
    for naam in [*NEDERLANDS, "Иванов, И.", "O'Neill-Smith, S.", "Çelik, Ç.", "", "Müller-Lüdenscheidt, ß."]:
        assert set(naam_sorteersleutel(naam)) <= set("abcdefghijklmnopqrstuvwxyz0123456789"), naam


@given(st.lists(st.sampled_from(["de", "van", "der", "'t", "de.", "Boer", "Berg", "A.", "J", ",", "-", "ij", "'s",
                                  "Van", "DE", "x9"]), max_size=8).map(" ".join))
def test_the_quick_way_for_plain_names_gives_the_key_of_the_full_rules(naam):
    # Plain ASCII names (nearly all) take a quicker way than _sleutel; it must give the same key.
    assert naam_sorteersleutel(naam) == _sleutel(naam.lower())[:100]


def test_folding_ignores_case_accents_and_spaces():
    assert vouw("  ÖZTÜRK   Coaching ") == "ozturk coaching"
    assert vouw("Ærøskøbing") == "aeroskobing"


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["naam", "-naam"])
def test_the_list_its_pages_and_its_export_sort_in_dutch_name_order(logged_in, teamleider, sort):
    namen = NEDERLANDS + [f"van Mol, {index:02d}." for index in range(12)]  # two pages of 25
    for naam in reversed(namen):
        make_kandidaat("Epe", naam=naam)
    expected = sorted(namen, key=lambda n: (naam_sorteersleutel(n), Kandidaat.objects.get(naam=n).pers_nr_sleutel))
    if sort.startswith("-"):
        expected.reverse()
    client = logged_in(teamleider)
    shown = []
    for page in (1, 2):
        response = client.get(reverse("kandidaten:lijst"), {"sort": sort, "per_page": 25, "page": page})
        assert response.context["page"].number == page
        shown += [k.naam for k in response.context["page"].object_list]
    assert shown == expected
    export = client.get(reverse("kandidaten:lijst"), {"sort": sort, "_export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert [row[2] for row in rows[1:]] == expected


@pytest.mark.django_db
def test_the_default_sort_is_gemeente_then_dutch_name_order(logged_in, teamleider):
    for naam in ("Zwart, Z.", "van den Berg, A.", "Öztürk, E."):
        make_kandidaat("Heerde", naam=naam)
        make_kandidaat("Epe", naam=naam)
    response = logged_in(teamleider).get(reverse("kandidaten:lijst"))
    shown = [(k.gemeente.naam, k.naam) for k in response.context["page"].object_list]
    assert shown == [(g, n) for g in ("Epe", "Heerde") for n in ("van den Berg, A.", "Öztürk, E.", "Zwart, Z.")]


@pytest.mark.django_db
def test_importing_a_client_sets_the_sort_key_and_a_changed_name_changes_it(tmp_path):
    from kandidaten.importing import import_file
    from tests.importing.files import kandidaat_row, kandidaten_xlsx

    rows = [kandidaat_row("07974", Naam="de Boer, A."), kandidaat_row(7975, Naam="  ÖZTÜRK ,  E. ")]
    assert import_file(kandidaten_xlsx(tmp_path / "a.xlsx", rows, title_rows=2)).status == "applied"
    keys = dict(Kandidaat.objects.values_list("pers_nr_sleutel", "naam_sortering"))
    assert keys == {"7974": naam_sorteersleutel("Boer, A. de"), "7975": naam_sorteersleutel("Öztürk, E.")}
    renamed = [kandidaat_row("07974", Naam="van Dijk, A."), kandidaat_row(7975, Naam="  ÖZTÜRK ,  E. ")]
    assert import_file(kandidaten_xlsx(tmp_path / "b.xlsx", renamed)).status == "applied"
    assert Kandidaat.objects.get(pers_nr_sleutel="7974").naam_sortering == naam_sorteersleutel("Dijk, A. van")


@pytest.mark.django_db
def test_a_correction_in_the_admin_and_the_migration_fill_the_key():
    import importlib

    from django.apps import apps

    kandidaat = make_kandidaat("Epe", naam="Bakker, B.")
    kandidaat.naam = "van der Meer, M."
    kandidaat.save(update_fields=["naam"])
    assert Kandidaat.objects.get(pk=kandidaat.pk).naam_sortering == naam_sorteersleutel("Meer, M. van der")
    Kandidaat.objects.filter(pk=kandidaat.pk).update(naam_sortering="")  # as the rows were before 0011
    importlib.import_module("kandidaten.migrations.0015_naam_sortering").vul_sorteersleutels(apps, None)
    assert Kandidaat.objects.get(pk=kandidaat.pk).naam_sortering == naam_sorteersleutel("Meer, M. van der")

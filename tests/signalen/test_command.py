"""python manage.py signalen: the same 17 counters on the command line."""

import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from kandidaten.selectors.signalen import GROEPEN
from tests.factories import make_kandidaat, make_module, make_plaatsing, make_traject

P = datetime.date(2026, 3, 15)
DAG = datetime.timedelta(days=1)


def run(*args):
    out = io.StringIO()
    call_command("signalen", *args, stdout=out)
    return out.getvalue()


def as_rows(text):
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def data():
    epe = make_kandidaat("Epe")
    apeldoorn = make_kandidaat("Apeldoorn")
    traject = make_traject(epe, startdatum=P - 5 * DAG, uitvoerende="Alrijde B")
    make_traject(apeldoorn, startdatum=P - 50 * DAG, signaaldatum=P - DAG, uitvoerende="Alrijde C")
    make_module(epe, traject=traject, startdatum=P - 5 * DAG, opgeschort=True)
    make_plaatsing(apeldoorn, startdatum=P - 50 * DAG, einddatum=P + 30 * DAG)


@pytest.mark.django_db
def test_the_csv_has_a_header_and_the_17_counters_with_their_slugs(data):
    rows = as_rows(run("--peildatum", "2026-03-15", "--csv"))
    assert rows[0] == ["groep", "teller", "aantal"]
    assert len(rows) == 18
    expected_keys = [(g.slug, t.slug) for g in GROEPEN.values() for t in g.tellers]
    assert [(groep, teller) for groep, teller, _ in rows[1:]] == expected_keys
    counts = {(groep, teller): int(aantal) for groep, teller, aantal in rows[1:]}
    assert counts[("trajecten", "actief")] == 2
    assert counts[("trajecten", "signaal_verstreken")] == 1
    assert counts[("trajecten", "zonder_actieve_module")] == 1
    assert counts[("modules", "opschortingen")] == 1
    assert counts[("plaatsingen", "einde_lt_3mnd")] == 1


@pytest.mark.django_db
def test_the_command_narrows_by_gemeente_name_and_by_uitvoerende(data):
    by_gemeente = {(g, t): int(n) for g, t, n in as_rows(run("--peildatum", "2026-03-15", "--gemeente", "epe",
                                                              "--csv"))[1:]}
    assert by_gemeente[("trajecten", "actief")] == 1
    assert by_gemeente[("plaatsingen", "actief")] == 0
    by_uitvoerende = {(g, t): int(n) for g, t, n in as_rows(run("--peildatum", "2026-03-15", "--uitvoerende",
                                                                "Alrijde C", "--csv"))[1:]}
    assert by_uitvoerende[("trajecten", "actief")] == 1
    assert by_uitvoerende[("trajecten", "signaal_verstreken")] == 1


@pytest.mark.django_db
def test_the_command_counts_what_one_user_may_see(data, medewerker_epe):
    counts = {(g, t): int(n) for g, t, n in as_rows(run("--peildatum", "2026-03-15", "--gebruiker",
                                                        "medewerker.epe", "--csv"))[1:]}
    assert counts[("trajecten", "actief")] == 1


@pytest.mark.django_db
def test_the_readable_output_names_every_group(data):
    text = run("--peildatum", "15-03-2026")
    assert "Signalen op 15-03-2026" in text
    for titel in ("TRAJECTEN", "MODULES", "EXT. PLAATSINGEN"):
        assert titel in text
    assert "Opschortingen" in text


@pytest.mark.django_db
@pytest.mark.parametrize("args", [("--peildatum", "31-02-2026"), ("--gemeente", "Atlantis"),
                                  ("--gebruiker", "niemand")])
def test_wrong_arguments_stop_with_a_clear_message(args):
    with pytest.raises(CommandError):
        run(*args)

"""The "profiel nodig" worklist: since when from the import history, days waiting, pages, sorting, export."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from kandidaten.importing import import_file
from kandidaten.models import AuditEvent, Import, Kandidaat
from kandidaten.scoping import Scope
from kandidaten.selectors.kandidaten import werklijst
from tests.factories import make_kandidaat
from tests.importing.files import kandidaat_row, kandidaten_xlsx

pytestmark = pytest.mark.django_db
URL = reverse("kandidaten:profiel_nodig")


@pytest.fixture(autouse=True)
def fresh_options():
    cache.clear()


def importeer(tmp_path, naam, rows, stand=None, **opties):
    outcome = import_file(kandidaten_xlsx(tmp_path / naam, rows), confirm_mass_gone=True, **opties)
    assert outcome.status == "applied", outcome
    record = Import.objects.latest("pk")
    if stand:
        Import.objects.filter(pk=record.pk).update(stand=stand)  # the date the export describes
    return record


def sinds(pers_nr_sleutel):
    kandidaat = Kandidaat.objects.met_nodig_sinds().get(pers_nr_sleutel=pers_nr_sleutel)
    return kandidaat.nodig_sinds, kandidaat.nodig_sinds_onbekend


def test_since_comes_from_the_import_that_made_the_client_need_a_profile(tmp_path):
    januari, februari, maart = datetime.date(2026, 1, 5), datetime.date(2026, 2, 2), datetime.date(2026, 3, 2)
    importeer(tmp_path, "jan.xlsx", [kandidaat_row("1", klantprofiel="N"), kandidaat_row("2", klantprofiel="J"),
                                     kandidaat_row("3", klantprofiel="N")], stand=januari)
    importeer(tmp_path, "feb.xlsx", [kandidaat_row("1", klantprofiel="N"), kandidaat_row("2", klantprofiel="L")],
              stand=februari)  # 2 needs one from now on; 3 is gone
    importeer(tmp_path, "mrt.xlsx", [kandidaat_row("1", klantprofiel="O"), kandidaat_row("2", klantprofiel="N"),
                                     kandidaat_row("3", klantprofiel="N")], stand=maart)  # 3 is back
    assert sinds("1") == (januari, True)  # needed one at our first import: perhaps longer
    assert sinds("2") == (februari, False)  # J -> L in February, still without a profile in March
    assert sinds("3") == (maart, False)  # back in the source: a new stretch
    assert Kandidaat.objects.met_nodig_sinds().get(pers_nr_sleutel="1").nodig_sinds == januari


def test_a_client_with_a_profile_has_no_since(tmp_path):
    importeer(tmp_path, "a.xlsx", [kandidaat_row("1", klantprofiel="N")])
    importeer(tmp_path, "b.xlsx", [kandidaat_row("1", klantprofiel="J")])
    assert sinds("1") == (None, False)


def test_without_a_stand_the_import_day_counts(tmp_path):
    importeer(tmp_path, "a.xlsx", [kandidaat_row("1", klantprofiel="J")])
    importeer(tmp_path, "b.xlsx", [kandidaat_row("1", klantprofiel="N")])
    assert sinds("1") == (timezone.localdate(), False)


def test_the_page_shows_days_waiting_and_pages_sorts_and_exports(tmp_path, logged_in, medewerker_epe):
    stand = timezone.localdate() - datetime.timedelta(days=40)
    def naam(n):
        return f"{'van ' if n % 2 else ''}Klant, {n:02d}."  # Dutch order: the "van" does not count

    importeer(tmp_path, "a.xlsx", [kandidaat_row(str(n), Naam=naam(n)) for n in range(1, 31)], stand=stand)
    client = logged_in(medewerker_epe)  # begeleider "A. de Vries", as the rows
    first = client.get(URL)
    page = first.context["page"]
    assert page.paginator.count == 30 and len(page.object_list) == 25
    assert {k.dagen for k in page.object_list} == {40}
    assert "≥ 40" in first.content.decode()  # known only since our first import
    by_name = client.get(URL, {"sort": "-naam", "page": 2}).context["page"]
    assert [k.naam for k in by_name.object_list] == [naam(n) for n in (5, 4, 3, 2, 1)]
    last = client.get(URL, {"page": 7})
    assert last.context["page"].number == 2 and last.context["gevraagde_pagina"] == 7
    export = client.get(URL, {"sort": "naam", "_export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:6] == ["Naam", "Pers. nr.", "Bet. gemeente", "Sonar - Klantprofiel", "Profiel nodig sinds",
                           "Dagen wachtend"]
    assert len(rows) == 31 and rows[1][0] == naam(1) and rows[2][0] == naam(2) and rows[1][5] == "40"
    assert AuditEvent.objects.get(actie=AuditEvent.Actie.EXPORT).aantal_rijen == 30


def test_the_worklist_is_per_begeleider_and_in_scope(medewerker_epe):
    make_kandidaat("Epe", begeleider="A. de Vries", klantprofiel="N")
    make_kandidaat("Epe", begeleider="J. Peters", klantprofiel="N")
    make_kandidaat("Apeldoorn", begeleider="A. de Vries", klantprofiel="N")
    make_kandidaat("Epe", begeleider="A. de Vries", klantprofiel="J")
    assert werklijst(Scope(medewerker_epe), "A. de Vries").count() == 1


def test_page_sizes_come_from_a_fixed_list(logged_in, medewerker_epe):
    make_kandidaat("Epe", begeleider="A. de Vries", klantprofiel="N")
    client = logged_in(medewerker_epe)
    for asked, given in (("100", 100), ("1000000", 25), ("-1", 25), ("abc", 25)):
        assert client.get(URL, {"per_page": asked}).context["page"].paginator.per_page == given

"""The report as of a date: the state the imports up to that date left, exact after later imports, corrections
in the admin and retention purges, and with imports that arrive out of stand order."""

import datetime

import pytest
from django.apps import apps
from django.utils import timezone

from kandidaten.models import Doelgroep, Import, Kandidaat, KandidaatWijziging, TransparantieTelling
from kandidaten.models.transparantie import Bron
from kandidaten.services.transparantie import eerste_vastlegging

from .exports import datum, importeer, klant, xlsx
from .helpers import cellen, rapport, rij

pytestmark = pytest.mark.django_db
Q2, Q3 = datum("30-06-2025"), datum("30-09-2025")
DAG = datetime.timedelta(days=1)


def export(tmp_path, naam, rows):
    return xlsx(tmp_path / naam, rows)


def test_a_date_between_two_imports_shows_the_first_imports_state(tmp_path):
    importeer(export(tmp_path, "a.xlsx", [klant(1), klant(2)]), Q2)
    importeer(export(tmp_path, "b.xlsx", [klant(1, klantprofiel="J"), klant(2), klant(3)]), Q3)
    assert cellen(rij(rapport(Q2 + 40 * DAG), "Epe")) == (0, 2, 0, 0, 2)
    assert cellen(rij(rapport(Q3), "Epe")) == (1, 2, 0, 0, 3)
    assert rapport(Q2 + 40 * DAG).laatste_stand == Q2


def test_a_date_before_the_first_import_has_no_data(tmp_path):
    importeer(export(tmp_path, "a.xlsx", [klant(1)]), Q2)
    uitkomst = rapport(Q2 - DAG)
    assert uitkomst.leeg
    assert rij(uitkomst, "Epe") is None


def test_a_gemeente_whose_clients_all_stopped_counting_reads_zero_not_an_older_state(tmp_path):
    importeer(export(tmp_path, "a.xlsx", [klant(1), klant(2, gemeente="Heerde")]), Q2)
    importeer(export(tmp_path, "b.xlsx", [klant(1, status="Gesloten"), klant(2, gemeente="Heerde")]), Q3)
    assert cellen(rij(rapport(Q3), "Epe")) == (0, 0, 0, 0, 0)
    assert cellen(rij(rapport(Q2), "Epe")) == (0, 1, 0, 0, 1)


def test_a_client_who_moved_leaves_his_old_gemeente_at_the_new_stand(tmp_path):
    importeer(export(tmp_path, "a.xlsx", [klant(1), klant(2)]), Q2)
    importeer(export(tmp_path, "b.xlsx", [klant(1, gemeente="Heerde"), klant(2)]), Q3)
    uitkomst = rapport(Q3)
    assert (rij(uitkomst, "Epe").aantallen.totaal, rij(uitkomst, "Heerde").aantallen.totaal) == (1, 1)


def test_imports_arriving_out_of_stand_order_each_keep_their_own_date(tmp_path):
    importeer(export(tmp_path, "q3.xlsx", [klant(1, klantprofiel="J"), klant(2), klant(3)]), Q3)
    importeer(export(tmp_path, "q2.xlsx", [klant(1), klant(2)]), Q2)  # the older export, loaded later
    assert cellen(rij(rapport(Q2), "Epe")) == (0, 2, 0, 0, 2)
    assert cellen(rij(rapport(Q3), "Epe")) == (1, 2, 0, 0, 3)


def test_a_correction_saved_on_a_client_shows_from_today_and_leaves_the_past_quarter(tmp_path):
    """The admin no longer edits source fields (issue #17); a save of a client from code still records the
    corrected state under today (signals.py), as a changed doelgroep does."""
    importeer(export(tmp_path, "a.xlsx", [klant(1), klant(2)]), Q2)
    kandidaat = Kandidaat.objects.get(pers_nr="1")
    kandidaat.klantprofiel = "J"
    kandidaat.apply_derived_flags()
    kandidaat.save()
    vandaag = timezone.localdate()
    assert cellen(rij(rapport(vandaag), "Epe")) == (1, 1, 0, 0, 2)
    assert cellen(rij(rapport(Q2), "Epe")) == (0, 2, 0, 0, 2)
    assert rapport(vandaag).laatste_correctie is not None


def test_an_edit_that_changes_no_count_records_nothing(tmp_path):
    importeer(export(tmp_path, "a.xlsx", [klant(1)]), Q2)
    kandidaat = Kandidaat.objects.get(pers_nr="1")
    kandidaat.begeleider = "B. Bakker"
    kandidaat.save()
    assert list(TransparantieTelling.objects.values_list("stand", flat=True).distinct()) == [Q2]


def test_the_admin_refuses_a_correction_and_the_report_stays_as_the_import_left_it(tmp_path, logged_in, teamleider):
    importeer(export(tmp_path, "a.xlsx", [klant(1), klant(2)]), Q2)
    kandidaat = Kandidaat.objects.get(pers_nr="1")
    url = f"/beheer/kandidaten/kandidaat/{kandidaat.pk}/change/"
    response = logged_in(teamleider).post(url, {"klantprofiel": "J", "naam": kandidaat.naam, "pers_nr": "1"})
    assert response.status_code == 403
    assert Kandidaat.objects.get(pk=kandidaat.pk).klantprofiel == "N"
    assert list(TransparantieTelling.objects.values_list("stand", flat=True).distinct()) == [Q2]


def test_a_changed_doelgroep_moves_its_clients_from_today_only(tmp_path):
    importeer(export(tmp_path, "a.xlsx", [klant(1, doelgroep="Regeling X"), klant(2)]), Q2)
    Doelgroep.objects.create(naam="Regeling X", klant_van="uwv")
    assert cellen(rij(rapport(timezone.localdate()), "Epe")) == (0, 1, 0, 1, 2)
    assert cellen(rij(rapport(Q2), "Epe")) == (0, 1, 0, 0, 1)
    assert rij(rapport(Q2), "Onbekend").aantallen.totaal == 1


def test_a_purge_of_long_gone_clients_leaves_past_quarters_exact(tmp_path):
    importeer(export(tmp_path, "a.xlsx", [klant(1), klant(2, klantprofiel="J"), klant(3)]), Q2)
    importeer(export(tmp_path, "b.xlsx", [klant(1)]), Q3)
    # The retention purge: clients gone from the source, deleted with their history.
    gone = Kandidaat.objects.filter(in_bron=False)
    assert gone.count() == 2
    KandidaatWijziging.objects.filter(kandidaat__in=gone).delete()
    gone.delete()
    assert cellen(rij(rapport(Q2), "Epe")) == (1, 2, 0, 0, 3)
    assert cellen(rij(rapport(Q3), "Epe")) == (0, 1, 0, 0, 1)
    assert cellen(rij(rapport(timezone.localdate()), "Epe")) == (0, 1, 0, 0, 1)


def corrigeer_klantprofiel(pers_nr, klantprofiel, stand):
    """A correction (as the admin saves it), recorded under `stand` instead of today."""
    kandidaat = Kandidaat.objects.get(pers_nr=pers_nr)
    kandidaat.klantprofiel = klantprofiel
    kandidaat.apply_derived_flags()
    kandidaat.save()
    TransparantieTelling.objects.filter(bron=Bron.CORRECTIE).update(stand=stand)


def test_an_import_replaces_the_state_corrections_recorded_after_its_stand_on_older_data(tmp_path):
    importeer(export(tmp_path, "a.xlsx", [klant(1), klant(2)]), Q2)
    # A correction three days after Q3's export was made, but before that export was imported.
    corrigeer_klantprofiel("2", "J", Q3 + 3 * DAG)
    assert cellen(rij(rapport(Q3 + 3 * DAG), "Epe")) == (1, 1, 0, 0, 2)
    importeer(export(tmp_path, "b.xlsx", [klant(1, klantprofiel="J"), klant(2), klant(3)]), Q3)
    # From Q3 on the report follows the data after the import (client 3 is new; client 2's correction
    # stays, as the importer leaves a field it did not see change in the export).
    assert cellen(rij(rapport(Q3 + 3 * DAG), "Epe")) == (2, 1, 0, 0, 3)
    assert not TransparantieTelling.objects.filter(bron=Bron.CORRECTIE).exists()


def test_a_correction_after_a_newer_import_survives_an_older_import_loaded_later(tmp_path):
    importeer(export(tmp_path, "q3.xlsx", [klant(1), klant(2)]), Q3)
    corrigeer_klantprofiel("1", "J", Q3 + 5 * DAG)
    importeer(export(tmp_path, "q2.xlsx", [klant(1, doelgroep="Partner PW"), klant(2), klant(3)]), Q2)
    assert cellen(rij(rapport(Q3 + 5 * DAG), "Epe")) == (1, 1, 0, 0, 2)
    assert cellen(rij(rapport(Q2), "Epe")) == (0, 3, 0, 0, 3)


def test_the_migration_fills_a_first_state_from_the_clients_an_installation_holds(tmp_path):
    importeer(export(tmp_path, "a.xlsx", [klant(1), klant(2, gemeente="Heerde", klantprofiel="J")]), Q2)
    TransparantieTelling.objects.all().delete()  # as before this release
    Import.objects.filter(stand=Q2).update(stand=None, toegepast=timezone.make_aware(datetime.datetime(2025, 7, 2)))
    eerste_vastlegging(apps)
    eerste = datum("02-07-2025")
    assert TransparantieTelling.objects.filter(stand=eerste).count() == TransparantieTelling.objects.count() > 300
    assert cellen(rij(rapport(eerste), "Heerde")) == (1, 0, 0, 0, 1)
    assert cellen(rij(rapport(eerste), "Apeldoorn")) == (0, 0, 0, 0, 0)
    assert rapport(eerste - DAG).leeg


def test_the_migration_leaves_a_database_without_clients_empty():
    eerste_vastlegging(apps)
    assert not TransparantieTelling.objects.exists()

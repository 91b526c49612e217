"""The panel's stored counts (models.paneel): equal to counting now, and never read once the data changed."""

import datetime
import io
import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from kandidaten.importing import data_version, import_file
from kandidaten.models import Datastand, Gemeente, Import, Kandidaat, PaneelTelling, TeamTelling
from kandidaten.scoping import kandidaten_voor
from kandidaten.selectors.signalen import GROEPEN, SYSTEEM, Vernauwing, signaal_items, tel_groep
from kandidaten.services.paneeltellingen import aantal, paneel
from tests.factories import gemeente, make_kandidaat, make_module, make_plaatsing, make_traject, make_user
from tests.importing.files import kandidaat_row, kandidaten_xlsx

pytestmark = pytest.mark.django_db

P = datetime.date(2026, 3, 15)
DAG = datetime.timedelta(days=1)


def aantallen(user, peildatum=P, vernauwing=None):
    return {(groep.slug, t.teller.slug): t.aantal for groep, tellingen in paneel(user, peildatum, vernauwing)
            for t in tellingen}


def live(user, peildatum=P, vernauwing=None):
    return {(slug, teller): n for slug in GROEPEN for teller, n in tel_groep(user, slug, peildatum, vernauwing).items()}


def spread_items():
    """Items of every kind in three gemeenten, at and around every boundary of P."""
    for naam, begeleider in (("Epe", "A. de Vries"), ("Apeldoorn", "B. Bakker"), ("Zwolle", "C. Smit")):
        kandidaat = make_kandidaat(naam, begeleider=begeleider)
        traject = make_traject(kandidaat, startdatum=P - 5 * DAG, signaaldatum=P + 3 * DAG, uitvoerende="Alrijde B")
        make_traject(kandidaat, startdatum=P - 90 * DAG, signaaldatum=P - DAG, einddatum=P + 20 * DAG)
        make_module(kandidaat, traject=traject, startdatum=P - 30 * DAG, opgeschort=True, uitvoerende="Lumen")
        make_module(kandidaat, startdatum=P + DAG)  # not yet active
        make_plaatsing(kandidaat, startdatum=P - 30 * DAG, einddatum=P)
        gone = make_kandidaat(naam, in_bron=False)
        make_traject(gone, startdatum=P - 5 * DAG)  # its client is gone: never counts


def test_the_panel_reads_stored_counts_in_two_queries_once_counted(teamleider, django_assert_max_num_queries):
    spread_items()
    first = aantallen(teamleider)
    with django_assert_max_num_queries(2):
        again = aantallen(teamleider)
    assert again == first == live(teamleider)
    assert first[("trajecten", "actief")] == 4  # Epe and Apeldoorn, two each; Zwolle is out of scope


def test_stored_counts_equal_counting_now_for_every_scope_and_gemeente(teamleider, medewerker_epe):
    spread_items()
    for user in (SYSTEEM, teamleider, medewerker_epe):
        assert aantallen(user) == live(user), user
        for naam in ("Epe", "Zwolle"):
            narrowed = Vernauwing(gemeente=gemeente(naam).pk)
            assert aantallen(user, vernauwing=narrowed) == live(user, vernauwing=narrowed), (user, naam)


def test_a_werkbedrijf_counts_and_stores_only_its_own_gemeenten(teamleider):
    spread_items()
    aantallen(teamleider)
    stored = set(PaneelTelling.objects.values_list("gemeente__naam", flat=True))
    assert stored == {"Apeldoorn", "Epe", "Heerde"}  # Heerde with zeros: counted, nothing there


def test_the_national_count_serves_every_user_after_it(teamleider, django_assert_max_num_queries):
    spread_items()
    aantallen(SYSTEEM)
    assert PaneelTelling.objects.count() == Gemeente.objects.count()
    with django_assert_max_num_queries(2):
        werkbedrijf = aantallen(teamleider)
    assert werkbedrijf == live(teamleider)


def test_narrowing_by_begeleider_or_uitvoerende_is_counted_now(teamleider):
    spread_items()
    for vernauwing in (Vernauwing(begeleider="A. de Vries"), Vernauwing(uitvoerende=("Lumen",))):
        assert aantallen(teamleider, vernauwing=vernauwing) == live(teamleider, vernauwing=vernauwing)
    assert aantallen(teamleider, vernauwing=Vernauwing(begeleider="A. de Vries"))[("trajecten", "actief")] == 2
    assert not PaneelTelling.objects.exists()


def test_a_correction_in_the_admin_makes_the_stored_counts_stale(teamleider):
    kandidaat = make_kandidaat("Epe")
    traject = make_traject(kandidaat, startdatum=P - 5 * DAG)
    assert aantallen(teamleider)[("trajecten", "actief")] == 1
    traject.einddatum = P - DAG
    traject.save()
    assert aantallen(teamleider)[("trajecten", "actief")] == 0
    make_traject(kandidaat, startdatum=P - 2 * DAG)
    assert aantallen(teamleider)[("trajecten", "actief")] == 1
    traject.delete()
    kandidaat.in_bron = False
    kandidaat.save()
    assert aantallen(teamleider)[("trajecten", "actief")] == 0


def test_an_import_that_changes_data_makes_the_stored_counts_stale(teamleider, tmp_path):
    import_file(kandidaten_xlsx(tmp_path / "a.xlsx", [kandidaat_row("1"), kandidaat_row("2")]))
    for kandidaat in kandidaten_voor(teamleider):
        make_traject(kandidaat, startdatum=P - 5 * DAG)
    assert aantallen(teamleider)[("trajecten", "actief")] == 2
    generatie = Datastand.huidige()

    outcome = import_file(kandidaten_xlsx(tmp_path / "b.xlsx", [kandidaat_row("1")]), confirm_mass_gone=True)
    assert outcome.status == "applied" and outcome.changed_anything
    assert Datastand.huidige() == generatie + 1
    assert aantallen(teamleider)[("trajecten", "actief")] == 1  # client 2 is gone from the source


def test_an_import_that_changes_nothing_keeps_the_stored_counts(teamleider, tmp_path):
    path = kandidaten_xlsx(tmp_path / "a.xlsx", [kandidaat_row("1")])
    import_file(path)
    aantallen(teamleider)
    generatie = Datastand.huidige()
    outcome = import_file(path)
    assert outcome.import_record.status == Import.Status.ONGEWIJZIGD
    assert Datastand.huidige() == generatie
    assert PaneelTelling.objects.filter(generatie=generatie).exists()


def test_a_refused_import_leaves_the_generation_alone(tmp_path):
    generatie = Datastand.huidige()
    outcome = import_file(kandidaten_xlsx(tmp_path / "a.xlsx", [kandidaat_row("")]))
    assert outcome.status == "refused"
    assert Datastand.huidige() == generatie


def test_counts_of_an_older_generation_are_never_read_and_are_pruned(teamleider):
    kandidaat = make_kandidaat("Epe")
    make_traject(kandidaat, startdatum=P - 5 * DAG)
    aantallen(teamleider)
    old = Datastand.huidige()
    Datastand.verhoog()
    # A row of the old generation that says something else is not read.
    PaneelTelling.objects.filter(generatie=old).update(tellingen={})
    assert aantallen(teamleider)[("trajecten", "actief")] == 1
    assert set(PaneelTelling.objects.values_list("generatie", flat=True)) == {old + 1}


def test_counts_are_not_stored_while_an_import_is_being_applied(teamleider):
    make_traject(make_kandidaat("Epe"), startdatum=P - 5 * DAG)
    Import.objects.create(bestandsnaam="groot.xlsx", status=Import.Status.TOEPASSEN).geef_hartslag()
    assert aantallen(teamleider)[("trajecten", "actief")] == 1
    assert not PaneelTelling.objects.exists()


def test_an_import_left_applying_by_a_dead_process_does_not_stop_storing(teamleider):
    make_traject(make_kandidaat("Epe"), startdatum=P - 5 * DAG)
    stuck = Import.objects.create(bestandsnaam="groot.xlsx", status=Import.Status.TOEPASSEN)
    stuck.geef_hartslag()
    last_beat = (timezone.now() - datetime.timedelta(minutes=5)).timestamp()
    os.utime(stuck.hartslag_path(), (last_beat, last_beat))  # its worker stopped beating five minutes ago
    aantallen(teamleider)
    assert PaneelTelling.objects.exists()


def test_the_drill_down_count_is_the_panels_number_and_equals_its_rows(teamleider):
    spread_items()
    panel = aantallen(teamleider)
    for groep in GROEPEN.values():
        for teller in groep.tellers:
            for vernauwing in (Vernauwing(), Vernauwing(begeleider="B. Bakker")):
                rows = signaal_items(teamleider, groep.slug, teller.slug, P, vernauwing).count()
                assert aantal(teamleider, groep.slug, teller.slug, P, vernauwing) == rows
            assert panel[(groep.slug, teller.slug)] == aantal(teamleider, groep.slug, teller.slug, P)


def test_every_peildatum_has_its_own_counts(teamleider):
    make_traject(make_kandidaat("Epe"), startdatum=P, einddatum=P)
    assert aantallen(teamleider, P)[("trajecten", "actief")] == 1
    assert aantallen(teamleider, P + DAG)[("trajecten", "actief")] == 0
    assert aantallen(teamleider, P)[("trajecten", "actief")] == 1


def test_a_correction_makes_an_open_import_preview_stale(tmp_path):
    path = kandidaten_xlsx(tmp_path / "a.xlsx", [kandidaat_row("1")])
    import_file(path)
    preview = import_file(kandidaten_xlsx(tmp_path / "b.xlsx", [kandidaat_row("1", klantprofiel="J")]), dry_run=True)
    make_traject(make_kandidaat("Epe"), startdatum=P)  # beheer corrects an item meanwhile
    assert preview.import_record.data_versie != data_version()


def _vooruit_geteld():
    """How many gemeenten have today's panel counts, and how many today's team counts, of the current data."""
    vandaag = {"peildatum": timezone.localdate(), "generatie": Datastand.huidige()}
    return PaneelTelling.objects.filter(**vandaag).count(), TeamTelling.objects.filter(**vandaag).count()


def test_the_importeer_command_counts_todays_panel_and_team_ahead_after_a_change(
    tmp_path, django_assert_max_num_queries
):
    path = kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")])
    call_command("importeer", str(path), stdout=io.StringIO())
    assert Kandidaat.objects.count() == 1
    assert _vooruit_geteld() == (Gemeente.objects.count(), Gemeente.objects.count())
    with django_assert_max_num_queries(2):
        paneel(SYSTEEM, timezone.localdate())


def test_an_import_counts_nothing_ahead_itself_so_its_time_is_the_import_alone(tmp_path):
    outcome = import_file(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")]))
    assert outcome.status == "applied" and outcome.changed_anything
    assert _vooruit_geteld() == (0, 0)


def test_a_dry_run_or_an_unchanged_file_counts_nothing_ahead(tmp_path):
    path = kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")])
    call_command("importeer", str(path), "--dry-run", stdout=io.StringIO())
    assert _vooruit_geteld() == (0, 0)
    import_file(path)
    call_command("importeer", str(path), stdout=io.StringIO())  # unchanged: the counts of this data would do
    assert _vooruit_geteld() == (0, 0)


def test_a_confirmed_web_import_counts_todays_panel_and_team_ahead(logged_in, settings, tmp_path):
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path / "media"
    beheer = make_user("beheer.paneel", "Functioneel beheer", gemeenten=["Epe"])
    client = logged_in(beheer)
    with open(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")]), "rb") as handle:
        client.post(reverse("imports:nieuw"), {"bestand": handle, "soort": ""})
    record = Import.objects.latest("aangemaakt")
    client.post(reverse("imports:bevestigen", args=[record.uuid]))
    record.refresh_from_db()
    assert record.status == Import.Status.TOEGEPAST
    assert _vooruit_geteld() == (Gemeente.objects.count(), Gemeente.objects.count())


def test_the_signalen_command_counts_todays_panel_and_team_ahead_for_everyone(
    teamleider, django_assert_max_num_queries
):
    make_traject(make_kandidaat("Epe"), startdatum=timezone.localdate())
    call_command("signalen", stdout=io.StringIO())  # what a nightly job after midnight would run
    assert _vooruit_geteld() == (Gemeente.objects.count(), Gemeente.objects.count())
    with django_assert_max_num_queries(2):
        assert aantallen(teamleider, timezone.localdate())[("trajecten", "actief")] == 1

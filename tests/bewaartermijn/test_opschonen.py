"""`manage.py opschonen`: what goes after its term, what stays, and that it is all or nothing."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from kandidaten.models import (
    AuditEvent,
    Datastand,
    Import,
    Kandidaat,
    KandidaatWijziging,
    Module,
    Opvolging,
    OpvolgingWijziging,
    Plaatsing,
    Traject,
)
from kandidaten.roles import TEAMLEIDER
from kandidaten.services import bewaartermijn
from kandidaten.services.bewaartermijn import Termijnen, eerste_bewaarde_dag
from tests.factories import make_kandidaat, make_module, make_plaatsing, make_traject, make_user

from .conftest import PEILDATUM, auditregel_op, item_weg_sinds, lokaal, opschonen, weg_sinds

pytestmark = pytest.mark.django_db

JSON_SLEUTELS = ["kandidaten", "trajecten", "modules", "plaatsingen", "wijzigingen", "bestanden", "auditregels"]


@pytest.mark.parametrize(
    ("peildatum", "maanden", "eerste_die_blijft"),
    [
        (datetime.date(2026, 6, 15), 24, datetime.date(2024, 6, 15)),
        (datetime.date(2026, 1, 31), 1, datetime.date(2025, 12, 31)),
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 3, 1)),  # 28-02 + 1 month = 28-03: passed
        # 31-08 has no 6-months-earlier twin: 28-02 + 6 months = 28-08 lies before 31-08, so 28-02 has passed.
        (datetime.date(2026, 8, 31), 6, datetime.date(2026, 3, 1)),
        (datetime.date(2028, 8, 31), 6, datetime.date(2028, 3, 1)),  # leap year: 29-02 + 6 months = 29-08
        (datetime.date(2026, 3, 1), 12, datetime.date(2025, 3, 1)),
        (datetime.date(2026, 12, 31), 60, datetime.date(2021, 12, 31)),
    ],
)
def test_more_than_n_calendar_months_is_counted_as_the_panel_adds_months(peildatum, maanden, eerste_die_blijft):
    from kandidaten.selectors.signalen import add_months

    grens = eerste_bewaarde_dag(peildatum, maanden)
    assert grens == eerste_die_blijft
    assert add_months(grens, maanden) >= peildatum  # not more than N months ago: stays
    assert add_months(grens - datetime.timedelta(days=1), maanden) < peildatum  # the day before has passed


def test_a_client_gone_exactly_n_months_ago_stays_and_one_gone_a_day_longer_goes():
    precies = weg_sinds(datetime.date(2024, 6, 15), naam="Yılmaz, A.", pers_nr="07974")
    dag_langer = weg_sinds(datetime.date(2024, 6, 14), naam="de Vries-Öztürk, M.", pers_nr="7975")
    recent = weg_sinds(datetime.date(2026, 1, 2))
    in_bron = make_kandidaat("Epe")

    assert opschonen("--peildatum", "2026-06-15", "--maanden", "24")["kandidaten"] == 1

    assert set(Kandidaat.objects.values_list("pk", flat=True)) == {precies.pk, recent.pk, in_bron.pk}
    assert not Kandidaat.objects.filter(pk=dag_langer.pk).exists()


def test_the_term_comes_from_the_setting_when_no_maanden_is_given(settings):
    settings.BEWAARTERMIJN_MAANDEN = 12
    blijft = weg_sinds(datetime.date(2025, 6, 15))
    weg_sinds(datetime.date(2025, 6, 14))
    assert opschonen("--peildatum", "2026-06-15")["kandidaten"] == 1
    assert list(Kandidaat.objects.values_list("pk", flat=True)) == [blijft.pk]


def test_the_default_terms_are_24_60_months_and_30_days_and_the_environment_sets_them():
    from tests.foundation.test_settings import settings_in_subprocess

    uitdrukking = ("settings.BEWAARTERMIJN_MAANDEN, settings.AUDIT_BEWAARTERMIJN_MAANDEN, "
                   "settings.IMPORT_BESTANDEN_DAGEN")
    standaard = settings_in_subprocess(uitdrukking, DJANGO_DEBUG="1")
    assert standaard.returncode == 0, standaard.stderr
    assert standaard.stdout.split() == ["24", "60", "30"]
    gezet = settings_in_subprocess(uitdrukking, DJANGO_DEBUG="1", BEWAARTERMIJN_MAANDEN="36",
                                   AUDIT_BEWAARTERMIJN_MAANDEN="84", IMPORT_BESTANDEN_DAGEN="7")
    assert gezet.stdout.split() == ["36", "84", "7"]


def test_items_and_history_go_with_their_client_and_nothing_of_another_client():
    weg = weg_sinds(datetime.date(2023, 1, 1), naam="Jansen, P.")
    blijft = make_kandidaat("Epe", naam="Bakker, S.")
    traject = make_traject(weg)  # still "in the source" itself: the client's gone, so it goes
    make_module(weg, traject=traject)
    make_plaatsing(weg, werkgever="Bakkerij De Vries", functie="Inpakker")
    item_weg_sinds(make_traject(weg), datetime.date(2023, 1, 1))
    eigen = (make_traject(blijft), make_module(blijft), make_plaatsing(blijft))
    import_run = Import.objects.create(bestandsnaam="k.xlsx")
    for kandidaat in (weg, blijft):
        KandidaatWijziging.objects.create(kandidaat=kandidaat, import_run=import_run, datum=datetime.date(2022, 5, 1),
                                          veld="klantprofiel", oud="N", nieuw="J")

    aantallen = opschonen("--peildatum", "2026-06-15")

    assert aantallen == {"kandidaten": 1, "trajecten": 2, "modules": 1, "plaatsingen": 1, "wijzigingen": 1,
                         "bestanden": 0, "auditregels": 0}
    assert list(Kandidaat.objects.all()) == [blijft]
    assert [list(model.objects.all()) for model in (Traject, Module, Plaatsing)] == [[item] for item in eigen]
    assert list(KandidaatWijziging.objects.values_list("kandidaat_id", flat=True)) == [blijft.pk]
    assert Import.objects.filter(pk=import_run.pk).exists()  # the import record stays


def test_items_gone_longer_than_the_term_go_even_while_their_client_is_in_the_source():
    kandidaat = make_kandidaat("Epe")
    oud_traject = make_traject(kandidaat)
    module_van_oud_traject = make_module(kandidaat, traject=oud_traject)  # still in the source
    item_weg_sinds(oud_traject, datetime.date(2024, 6, 14))
    net_binnen_termijn = make_plaatsing(kandidaat)
    item_weg_sinds(net_binnen_termijn, datetime.date(2024, 6, 15))
    oude_module = make_module(kandidaat)
    item_weg_sinds(oude_module, datetime.date(2020, 1, 1))

    aantallen = opschonen("--peildatum", "2026-06-15")

    assert (aantallen["kandidaten"], aantallen["trajecten"], aantallen["modules"], aantallen["plaatsingen"]) == (
        0, 1, 1, 0)
    assert Kandidaat.objects.filter(pk=kandidaat.pk).exists()
    assert not Traject.objects.exists()
    assert list(Plaatsing.objects.all()) == [net_binnen_termijn]
    # The module that is still in the source stays; it loses the link to the traject that went (SET_NULL).
    module_van_oud_traject.refresh_from_db()
    assert module_van_oud_traject.traject is None and module_van_oud_traject.in_bron


def test_a_gone_client_without_a_date_is_kept():
    kandidaat = make_kandidaat("Epe")
    Kandidaat.objects.filter(pk=kandidaat.pk).update(in_bron=False, niet_in_bron_sinds=None)
    assert opschonen("--peildatum", "2099-01-01")["kandidaten"] == 0
    assert Kandidaat.objects.filter(pk=kandidaat.pk).exists()


def test_the_dry_run_changes_nothing_and_counts_what_the_real_run_then_removes():
    weg = weg_sinds(datetime.date(2020, 2, 29), naam="Ramdin, S.")
    make_traject(weg)
    make_module(weg)
    auditregel_op(lokaal(2019, 1, 1))
    generatie = Datastand.huidige()
    voor = _alles()

    out = io.StringIO()
    call_command("opschonen", "--peildatum", "2026-06-15", "--dry-run", "--json", stdout=out)
    proef = json.loads(out.getvalue())

    assert _alles() == voor
    assert Datastand.huidige() == generatie
    assert not AuditEvent.objects.filter(actie=AuditEvent.Actie.OPGESCHOOND).exists()
    assert proef == opschonen("--peildatum", "2026-06-15")
    assert proef["kandidaten"] == 1 and proef["auditregels"] == 1


def test_the_dry_run_without_json_reports_the_limits_and_says_nothing_was_removed():
    weg_sinds(datetime.date(2020, 1, 1))
    out = io.StringIO()
    call_command("opschonen", "--peildatum", "2026-06-15", "--dry-run", stdout=out)
    tekst = out.getvalue()
    assert "proefdraai: er is niets verwijderd" in tekst
    assert "niet meer in de bron vóór 15-06-2024 (24 maanden)" in tekst
    assert "auditregels van vóór 15-06-2021 (60 maanden)" in tekst
    assert Kandidaat.objects.count() == 1


def test_json_prints_exactly_the_seven_counts_in_order():
    out = io.StringIO()
    call_command("opschonen", "--peildatum", "2026-06-15", "--json", stdout=out)
    regels = out.getvalue().splitlines()
    assert len(regels) == 1
    antwoord = json.loads(regels[0])
    assert list(antwoord) == JSON_SLEUTELS
    assert all(type(aantal) is int for aantal in antwoord.values())


def test_a_term_below_one_month_is_refused():
    weg_sinds(datetime.date(2026, 6, 1))
    with pytest.raises(CommandError, match="minstens 1 maand"):
        call_command("opschonen", "--maanden", "0")
    assert Kandidaat.objects.count() == 1


def test_a_wrong_peildatum_is_refused_before_anything_happens():
    weg_sinds(datetime.date(2020, 1, 1))
    with pytest.raises(CommandError, match="ongeldige datum"):
        call_command("opschonen", "--peildatum", "31-02-2026")
    assert Kandidaat.objects.count() == 1


def test_a_run_raises_the_data_generation_only_when_it_deleted_clients_or_items():
    weg_sinds(datetime.date(2025, 1, 1))  # within the term
    generatie = Datastand.huidige()
    opschonen("--peildatum", "2026-06-15")
    assert Datastand.huidige() == generatie
    weg_sinds(datetime.date(2020, 1, 1))
    generatie = Datastand.huidige()
    opschonen("--peildatum", "2026-06-15")
    assert Datastand.huidige() == generatie + 1


def test_a_failure_halfway_leaves_everything_in_place(monkeypatch):
    weg = weg_sinds(datetime.date(2020, 1, 1))
    make_traject(weg)
    make_module(weg)
    echte = bewaartermijn._verwijder

    def faalt_bij_kandidaten(queryset):
        if queryset.model is Kandidaat:
            raise RuntimeError("schijf vol")
        return echte(queryset)

    monkeypatch.setattr(bewaartermijn, "_verwijder", faalt_bij_kandidaten)
    with pytest.raises(RuntimeError):
        opschonen("--peildatum", "2026-06-15")
    assert (Kandidaat.objects.count(), Traject.objects.count(), Module.objects.count()) == (1, 1, 1)
    assert not AuditEvent.objects.filter(actie=AuditEvent.Actie.OPGESCHOOND).exists()


def test_every_relation_to_a_client_is_one_the_purge_deletes_first():
    """The purge deletes with plain SQL (no per-row signals, no on_delete handling): a new model that points at
    Kandidaat must be added to it, or its rows would block the purge. This test names the ones it handles."""
    on_delete = {relatie.related_model: relatie.on_delete for relatie in Kandidaat._meta.related_objects}
    assert on_delete == {Traject: models.PROTECT, Module: models.PROTECT, Plaatsing: models.PROTECT,
                         KandidaatWijziging: models.CASCADE, Opvolging: models.CASCADE,
                         OpvolgingWijziging: models.CASCADE}


def test_a_clients_follow_up_and_its_history_go_with_the_client_and_another_clients_stay(rf):
    from kandidaten.services import opvolging

    weg = weg_sinds(datetime.date(2023, 1, 1), naam="Jansen, P.")
    blijft = make_kandidaat("Epe", naam="Bakker, S.")
    request = rf.post("/")
    request.user = make_user("teamleider.epe", TEAMLEIDER, gemeenten=["Epe"])
    for kandidaat in (weg, blijft):
        opvolging.zet(request, kandidaat, opvolging.Stand("contact", datetime.date(2022, 12, 1), notitie="gebeld"))

    aantallen = opschonen("--peildatum", "2026-06-15")

    assert aantallen["kandidaten"] == 1
    assert list(Opvolging.objects.values_list("kandidaat_id", flat=True)) == [blijft.pk]
    assert list(OpvolgingWijziging.objects.values_list("kandidaat_id", flat=True)) == [blijft.pk]


# --- audit records -----------------------------------------------------------------------------------


def test_audit_records_go_only_after_their_own_term(settings):
    settings.AUDIT_BEWAARTERMIJN_MAANDEN = 60
    grens = lokaal(2021, 6, 15)  # 15-06-2026 minus 60 months, local midnight
    blijft = auditregel_op(grens)
    weg = auditregel_op(grens - datetime.timedelta(seconds=1))
    jong = auditregel_op(lokaal(2026, 6, 1))

    assert opschonen("--peildatum", "2026-06-15")["auditregels"] == 1

    over = set(AuditEvent.objects.exclude(actie=AuditEvent.Actie.OPGESCHOOND).values_list("pk", flat=True))
    assert over == {blijft.pk, jong.pk}
    assert weg.pk not in over


def test_the_audit_log_still_refuses_every_other_delete():
    event = auditregel_op(lokaal(2000, 1, 1))
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.get(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(omschrijving="anders")
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    # The one purge path deletes only what lies before the date it is given.
    assert AuditEvent.objects.verwijder_na_bewaartermijn(lokaal(1999, 12, 31)) == 0
    assert AuditEvent.objects.verwijder_na_bewaartermijn(lokaal(2000, 1, 2)) == 1


def test_a_real_run_is_recorded_in_the_audit_log_after_the_purge():
    weg_sinds(datetime.date(2020, 1, 1))
    auditregel_op(lokaal(2001, 1, 1))

    # Planned far ahead, the run's audit term covers every earlier record; its own record survives.
    aantallen = opschonen("--peildatum", "2099-01-01")

    run = AuditEvent.objects.get()
    assert run.actie == AuditEvent.Actie.OPGESCHOOND
    assert run.gebruikersnaam == "(systeem)"
    assert run.aantal_rijen == sum(aantallen.values()) == 2
    assert run.filters == {"peildatum": "2099-01-01", "maanden": 24, "bestanden_dagen": 30, "audit_maanden": 60,
                           "verwijderd": aantallen}
    assert run.omschrijving.startswith("Bewaartermijn: 1 kandidaat, 0 trajecten")


def test_a_run_with_nothing_to_do_is_recorded_too():
    opschonen()
    assert AuditEvent.objects.filter(actie=AuditEvent.Actie.OPGESCHOOND, aantal_rijen=0).count() == 1


# --- what stays: the numbers the app shows ----------------------------------------------------------------


def test_the_purge_leaves_the_panel_and_the_report_counts_unchanged():
    """Gone clients count nowhere; deleting them changes no panel counter and no count of clients in Sonar
    per gemeente and klantprofiel (what the transparency report tallies)."""
    from django.db.models import Count

    from kandidaten.selectors import signalen
    from kandidaten.services import paneeltellingen

    for gemeente in ("Epe", "Apeldoorn", "Heerde"):
        in_bron = make_kandidaat(gemeente, klantprofiel="J")
        make_traject(in_bron, signaaldatum=datetime.date(2026, 6, 1))
        make_kandidaat(gemeente, klantprofiel="N")
        weg = weg_sinds(datetime.date(2023, 3, 1), gemeente, klantprofiel="N")
        make_traject(weg, signaaldatum=datetime.date(2026, 6, 1))
        make_module(weg)

    def rapport():
        return list(Kandidaat.objects.in_bron().filter(telt_in_sonar=True).values("gemeente__naam", "klantprofiel")
                    .annotate(n=Count("pk")).order_by("gemeente__naam", "klantprofiel"))

    def paneel():
        return [[t.aantal for t in rij] for _groep, rij in paneeltellingen.paneel(signalen.SYSTEEM, PEILDATUM)]

    voor = (rapport(), paneel())
    assert opschonen("--peildatum", "2026-06-15")["kandidaten"] == 3
    assert (rapport(), paneel()) == voor


def _alles():
    """Every row of every table the purge touches, and the audit log."""
    return [
        sorted(model.objects.values_list("pk", flat=True))
        for model in (Kandidaat, Traject, Module, Plaatsing, KandidaatWijziging)
    ] + [sorted(AuditEvent.objects.values_list("pk", flat=True))]


def test_termijnen_come_from_the_settings(settings):
    settings.IMPORT_BESTANDEN_DAGEN = 7
    settings.AUDIT_BEWAARTERMIJN_MAANDEN = 36
    termijnen = Termijnen.uit_instellingen(PEILDATUM)
    assert (termijnen.maanden, termijnen.bestanden_dagen, termijnen.audit_maanden) == (24, 7, 36)
    assert termijnen.grens_bestanden == datetime.date(2026, 6, 8)
    assert termijnen.grens_audit == datetime.date(2023, 6, 15)

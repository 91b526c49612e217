"""Each counter of the signal panel at its boundaries (DOMAIN.md, "The counters")."""

import datetime

import pytest

from kandidaten.models import Module
from kandidaten.selectors.signalen import (
    GROEPEN,
    SYSTEEM,
    Vernauwing,
    add_months,
    met_staat,
    signaal_items,
    tel_groep,
)
from kandidaten.services.paneeltellingen import paneel
from tests.factories import make_kandidaat, make_module, make_plaatsing, make_traject

P = datetime.date(2026, 3, 15)
DAG = datetime.timedelta(days=1)
MAKERS = {"trajecten": make_traject, "modules": make_module, "plaatsingen": make_plaatsing}
GROEP_SLUGS = list(GROEPEN)


def tel(groep, peildatum=P, user=SYSTEEM, vernauwing=None):
    return tel_groep(user, groep, peildatum, vernauwing)


# --- add_months ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime.date(2025, 11, 30), 3, datetime.date(2026, 2, 28)),
        (datetime.date(2023, 11, 30), 3, datetime.date(2024, 2, 29)),
        (datetime.date(2026, 8, 31), 3, datetime.date(2026, 11, 30)),
        (datetime.date(2026, 6, 30), 3, datetime.date(2026, 9, 30)),
        (datetime.date(2026, 11, 15), 3, datetime.date(2027, 2, 15)),
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2026, 3, 31), -1, datetime.date(2026, 2, 28)),
        (datetime.date(2026, 12, 31), 0, datetime.date(2026, 12, 31)),
    ],
)
def test_add_months_counts_calendar_months_and_clamps_to_the_last_day(start, months, expected):
    assert add_months(start, months) == expected


# --- actief ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("groep", GROEP_SLUGS)
@pytest.mark.parametrize(
    ("start", "einde", "actief"),
    [
        (P, None, True),  # starts on P
        (P + DAG, None, False),  # starts tomorrow
        (P - 400 * DAG, None, True),  # empty einddatum: still running
        (P - 10 * DAG, P, True),  # ends on P: still active on P
        (P - 10 * DAG, P - DAG, False),  # ended yesterday
    ],
)
def test_actief_means_started_on_or_before_p_and_not_yet_ended(groep, start, einde, actief):
    MAKERS[groep](make_kandidaat(), startdatum=start, einddatum=einde)
    assert tel(groep)["actief"] == int(actief)


# --- start < 3 wkn ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("groep", GROEP_SLUGS)
@pytest.mark.parametrize(("dagen_geleden", "telt"), [(21, False), (20, True), (0, True), (-1, False)])
def test_start_lt_3wkn_counts_starts_after_p_minus_21_days_up_to_p(groep, dagen_geleden, telt):
    MAKERS[groep](make_kandidaat(), startdatum=P - dagen_geleden * DAG)
    assert tel(groep)["start_lt_3wkn"] == int(telt)


# --- signaaldatum ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("groep", GROEP_SLUGS)
@pytest.mark.parametrize(
    ("signaal", "binnen", "verstreken"),
    [
        (P - DAG, 0, 1),
        (P, 1, 0),
        (P + 28 * DAG, 1, 0),
        (P + 29 * DAG, 0, 0),
        (None, 0, 0),
    ],
)
def test_signaaldatum_binnen_4wkn_and_verstreken_at_their_boundaries(groep, signaal, binnen, verstreken):
    MAKERS[groep](make_kandidaat(), startdatum=P - 100 * DAG, signaaldatum=signaal)
    aantallen = tel(groep)
    assert (aantallen["signaal_binnen_4wkn"], aantallen["signaal_verstreken"]) == (binnen, verstreken)


@pytest.mark.django_db
@pytest.mark.parametrize("groep", GROEP_SLUGS)
def test_a_passed_signaaldatum_of_an_ended_item_does_not_count(groep):
    MAKERS[groep](make_kandidaat(), startdatum=P - 100 * DAG, einddatum=P - DAG, signaaldatum=P - 50 * DAG)
    assert tel(groep)["signaal_verstreken"] == 0


# --- einde (< 3 mnd) ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("groep", GROEP_SLUGS)
@pytest.mark.parametrize(
    ("peildatum", "einde", "telt"),
    [
        (P, P, True),
        (P, datetime.date(2026, 6, 15), True),  # P + 3 months
        (P, datetime.date(2026, 6, 16), False),  # P + 3 months + 1 day
        (P, None, False),  # no einddatum: not ending
        (datetime.date(2025, 11, 30), datetime.date(2026, 2, 28), True),  # 30-11 + 3 months = 28-02
        (datetime.date(2025, 11, 30), datetime.date(2026, 3, 1), False),
        (datetime.date(2023, 11, 30), datetime.date(2024, 2, 29), True),  # leap year
        (datetime.date(2023, 11, 30), datetime.date(2024, 3, 1), False),
        (datetime.date(2026, 8, 31), datetime.date(2026, 11, 30), True),  # 31-08 + 3 months = 30-11
        (datetime.date(2026, 8, 31), datetime.date(2026, 12, 1), False),
    ],
)
def test_einde_lt_3mnd_runs_from_p_to_p_plus_three_calendar_months(groep, peildatum, einde, telt):
    MAKERS[groep](make_kandidaat(), startdatum=peildatum - 100 * DAG, einddatum=einde)
    assert tel(groep, peildatum)["einde_lt_3mnd"] == int(telt)


# --- zonder actieve module ----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_active_traject_without_any_module_counts_as_zonder_actieve_module():
    make_traject(make_kandidaat(), startdatum=P - 30 * DAG)
    assert tel("trajecten")["zonder_actieve_module"] == 1


@pytest.mark.django_db
def test_an_active_traject_with_an_active_module_does_not_count():
    kandidaat = make_kandidaat()
    traject = make_traject(kandidaat, startdatum=P - 30 * DAG)
    make_module(kandidaat, traject=traject, startdatum=P - 10 * DAG, einddatum=P)
    assert tel("trajecten")["zonder_actieve_module"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "module",
    [
        {"startdatum": P - 20 * DAG, "einddatum": P - DAG},  # ended
        {"startdatum": P + DAG},  # not started yet
        {"startdatum": P - 20 * DAG, "in_bron": False},  # no longer in the source
    ],
    ids=["beeindigd", "nog-niet-gestart", "niet-in-bron"],
)
def test_a_traject_whose_modules_are_not_active_counts_as_zonder_actieve_module(module):
    kandidaat = make_kandidaat()
    traject = make_traject(kandidaat, startdatum=P - 30 * DAG)
    make_module(kandidaat, traject=traject, **module)
    assert tel("trajecten")["zonder_actieve_module"] == 1


@pytest.mark.django_db
def test_an_active_module_of_another_traject_does_not_help():
    kandidaat = make_kandidaat()
    traject = make_traject(kandidaat, startdatum=P - 30 * DAG)
    ander = make_traject(kandidaat, startdatum=P - 30 * DAG)
    make_module(kandidaat, traject=ander, startdatum=P - 10 * DAG)
    assert tel("trajecten")["zonder_actieve_module"] == 1
    assert list(signaal_items(SYSTEEM, "trajecten", "zonder_actieve_module", P)) == [traject]


@pytest.mark.django_db
def test_an_ended_traject_never_counts_as_zonder_actieve_module():
    make_traject(make_kandidaat(), startdatum=P - 30 * DAG, einddatum=P - DAG)
    assert tel("trajecten")["zonder_actieve_module"] == 0


# --- opschortingen --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_opschortingen_counts_active_suspended_modules_only():
    kandidaat = make_kandidaat()
    make_module(kandidaat, startdatum=P - 5 * DAG, opgeschort=True)
    make_module(kandidaat, startdatum=P - 5 * DAG, opgeschort=False)
    make_module(kandidaat, startdatum=P - 50 * DAG, einddatum=P - DAG, opgeschort=True)
    aantallen = tel("modules")
    assert aantallen["opschortingen"] == 1
    assert aantallen["actief"] == 2


# --- gone records ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("groep", GROEP_SLUGS)
def test_items_no_longer_in_the_source_and_items_of_gone_clients_never_count(groep):
    maker = MAKERS[groep]
    maker(make_kandidaat(), startdatum=P - 5 * DAG, signaaldatum=P - DAG, in_bron=False)
    maker(make_kandidaat(in_bron=False), startdatum=P - 5 * DAG, signaaldatum=P - DAG)
    maker(make_kandidaat(), startdatum=P - 5 * DAG, signaaldatum=P - DAG)
    aantallen = tel(groep)
    assert aantallen["actief"] == 1
    assert aantallen["signaal_verstreken"] == 1
    assert aantallen["start_lt_3wkn"] == 1


# --- the panel as a whole -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_panel_has_17_counters_in_three_groups_counted_in_three_queries(
    teamleider, django_assert_max_num_queries
):
    kandidaat = make_kandidaat("Epe")
    traject = make_traject(kandidaat, startdatum=P - 5 * DAG, signaaldatum=P)
    make_module(kandidaat, traject=traject, startdatum=P - 5 * DAG, opgeschort=True)
    make_plaatsing(kandidaat, startdatum=P - 30 * DAG, einddatum=P + 10 * DAG)
    with django_assert_max_num_queries(3):
        live = {slug: tel(slug, user=teamleider) for slug in GROEP_SLUGS}
    uitkomst = paneel(teamleider, P)
    assert {groep.slug: {t.teller.slug: t.aantal for t in tellingen} for groep, tellingen in uitkomst} == live
    assert [groep.slug for groep, _ in uitkomst] == ["trajecten", "modules", "plaatsingen"]
    assert sum(len(tellingen) for _, tellingen in uitkomst) == 17
    aantallen = {(groep.slug, t.teller.slug): t.aantal for groep, tellingen in uitkomst for t in tellingen}
    assert aantallen[("trajecten", "signaal_binnen_4wkn")] == 1
    assert aantallen[("trajecten", "zonder_actieve_module")] == 0
    assert aantallen[("modules", "opschortingen")] == 1
    assert aantallen[("plaatsingen", "einde_lt_3mnd")] == 1
    assert aantallen[("plaatsingen", "start_lt_3wkn")] == 0


@pytest.mark.django_db
def test_the_panel_counts_only_items_in_the_users_scope(medewerker_epe):
    make_traject(make_kandidaat("Epe"), startdatum=P - 5 * DAG)
    make_traject(make_kandidaat("Apeldoorn"), startdatum=P - 5 * DAG)
    make_traject(make_kandidaat("Apeldoorn"), startdatum=P - 5 * DAG)
    assert tel("trajecten", user=medewerker_epe)["actief"] == 1
    assert tel("trajecten")["actief"] == 3


@pytest.mark.django_db
def test_the_panel_narrows_by_uitvoerende_begeleider_and_gemeente():
    epe = make_kandidaat("Epe", begeleider="A. de Vries")
    apeldoorn = make_kandidaat("Apeldoorn", begeleider="B. Bakker")
    make_traject(epe, startdatum=P - 5 * DAG, uitvoerende="Alrijde B")
    make_traject(epe, startdatum=P - 5 * DAG, uitvoerende="Alrijde C")
    make_traject(apeldoorn, startdatum=P - 5 * DAG, uitvoerende="Alrijde B")
    assert tel("trajecten", vernauwing=Vernauwing(uitvoerende=("Alrijde B",)))["actief"] == 2
    assert tel("trajecten", vernauwing=Vernauwing(begeleider="A. de Vries"))["actief"] == 2
    assert tel("trajecten", vernauwing=Vernauwing(gemeente=apeldoorn.gemeente_id))["actief"] == 1
    both = Vernauwing(uitvoerende=("Alrijde B",), gemeente=epe.gemeente_id)
    assert tel("trajecten", vernauwing=both)["actief"] == 1


# --- met_staat: each item's state, by the counters' own conditions ----------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("signaal", "einde", "staat"),
    [
        (P - DAG, None, "verstreken"),
        (P, None, "binnen 4 weken"),
        (P + 28 * DAG, None, "binnen 4 weken"),
        (P + 29 * DAG, None, ""),
        (None, None, ""),
        (P - 5 * DAG, P - DAG, ""),  # ended: no signal
    ],
)
def test_the_state_of_an_item_agrees_with_the_counters(signaal, einde, staat):
    item = make_module(make_kandidaat(), startdatum=P - 40 * DAG, signaaldatum=signaal, einddatum=einde)
    annotated = met_staat(Module.objects.filter(pk=item.pk), P).get()
    assert annotated.signaal == staat
    assert annotated.is_actief == (einde is None)
    verstreken = signaal_items(SYSTEEM, "modules", "signaal_verstreken", P).filter(pk=item.pk).exists()
    binnen = signaal_items(SYSTEEM, "modules", "signaal_binnen_4wkn", P).filter(pk=item.pk).exists()
    assert (staat == "verstreken", staat == "binnen 4 weken") == (verstreken, binnen)

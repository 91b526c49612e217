"""The overview page, the drill-down lists and their exports."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kandidaten.models import AuditEvent
from kandidaten.selectors.signalen import GROEPEN, SYSTEEM
from kandidaten.services.paneeltellingen import paneel
from tests.factories import make_kandidaat, make_module, make_plaatsing, make_traject, make_user

P = datetime.date(2026, 3, 15)
DAG = datetime.timedelta(days=1)
Q = "peildatum=15-03-2026"


def lijst_url(groep, teller, query=Q):
    return f"{reverse('signalen:lijst', args=[groep, teller])}?{query}"


@pytest.fixture
def gemengde_data():
    """A bit of everything in Epe and Apeldoorn, so every counter has something to count."""
    for gemeente, begeleider in (("Epe", "A. de Vries"), ("Apeldoorn", "B. Bakker"), ("Epe", "C. Smit")):
        kandidaat = make_kandidaat(gemeente, begeleider=begeleider)
        traject = make_traject(kandidaat, startdatum=P - 10 * DAG, signaaldatum=P + 3 * DAG, einddatum=P + 40 * DAG)
        make_traject(kandidaat, startdatum=P - 100 * DAG, signaaldatum=P - 3 * DAG, uitvoerende="Alrijde C")
        make_module(kandidaat, traject=traject, startdatum=P - 30 * DAG, signaaldatum=P - DAG, opgeschort=True)
        make_module(kandidaat, startdatum=P - 2 * DAG, einddatum=P + 20 * DAG)
        make_plaatsing(kandidaat, startdatum=P - 5 * DAG, signaaldatum=P + 28 * DAG)
        make_plaatsing(kandidaat, startdatum=P - 300 * DAG, einddatum=P - DAG)


def panel_numbers(html):
    """{(groep, teller): number} as the overview page shows them, read from the tiles' links."""
    found = re.findall(
        r'href="/signalen/(\w+)/(\w+)/\?[^"]*".*?<span class="tegel__aantal">(\d+)</span>', html, flags=re.S
    )
    return {(groep, teller): int(number) for groep, teller, number in found}


@pytest.mark.django_db
def test_the_overview_shows_17_linked_counters_at_the_peildatum_from_the_url(teamleider, logged_in, gemengde_data):
    client = logged_in(teamleider)
    response = client.get(f"/?{Q}")
    assert response.status_code == 200
    numbers = panel_numbers(response.content.decode())
    assert len(numbers) == 17
    expected = {(g.slug, t.teller.slug): t.aantal for g, ts in paneel(teamleider, P) for t in ts}
    assert numbers == expected
    assert numbers[("trajecten", "actief")] == 6
    # The links carry the peildatum, so the list counts on the same day.
    assert 'href="/signalen/trajecten/actief/?peildatum=15-03-2026"' in response.content.decode()


@pytest.mark.django_db
def test_the_peildatum_is_accepted_as_dd_mm_jjjj_and_as_jjjj_mm_dd(teamleider, logged_in, gemengde_data):
    client = logged_in(teamleider)
    dutch = client.get("/?peildatum=15-03-2026").context["filters"].peildatum
    iso = client.get("/?peildatum=2026-03-15").context["filters"].peildatum
    assert dutch == iso == P


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["31-02-2026", "morgen", "2026-13-01"])
def test_an_invalid_peildatum_is_a_form_error_and_falls_back_to_today(teamleider, logged_in, value):
    response = logged_in(teamleider).get("/", {"peildatum": value})
    assert response.status_code == 200
    assert response.context["filters"].peildatum == timezone.localdate()
    assert "peildatum" in response.context["form"].errors
    assert "Vul de peildatum in als dd-mm-jjjj" in response.content.decode()


@pytest.mark.django_db
def test_without_a_peildatum_the_panel_counts_today(teamleider, logged_in):
    response = logged_in(teamleider).get("/")
    assert response.context["filters"].peildatum == timezone.localdate()
    assert not response.context["form"].errors


@pytest.mark.django_db
def test_every_drill_down_list_has_exactly_the_count_of_its_number(teamleider, logged_in, gemengde_data):
    client = logged_in(teamleider)
    numbers = panel_numbers(client.get(f"/?{Q}").content.decode())
    for groep in GROEPEN.values():
        for teller in groep.tellers:
            response = client.get(lijst_url(groep.slug, teller.slug))
            assert response.status_code == 200
            assert response.context["page"].paginator.count == numbers[(groep.slug, teller.slug)], teller.slug


@pytest.mark.django_db
def test_a_narrowed_drill_down_still_matches_its_narrowed_number(teamleider, logged_in, gemengde_data):
    client = logged_in(teamleider)
    query = f"{Q}&uitvoerende=Alrijde+B&begeleider=A.+de+Vries"
    numbers = panel_numbers(client.get(f"/?{query}").content.decode())
    assert numbers[("trajecten", "actief")] == 1
    response = client.get(lijst_url("trajecten", "actief", query))
    assert response.context["page"].paginator.count == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/signalen/trajecten/opschortingen/", "/signalen/plaatsingen/zonder_actieve_module/",
     "/signalen/modules/zonder_actieve_module/", "/signalen/onzin/actief/", "/signalen/modules/onzin/"],
)
def test_an_unknown_group_and_counter_combination_is_404(teamleider, logged_in, path):
    assert logged_in(teamleider).get(path).status_code == 404


@pytest.mark.django_db
def test_a_medewerker_of_epe_sees_no_apeldoorn_items_in_panel_or_list(medewerker_epe, logged_in, gemengde_data):
    client = logged_in(medewerker_epe)
    numbers = panel_numbers(client.get(f"/?{Q}").content.decode())
    assert numbers[("trajecten", "actief")] == 4
    response = client.get(lijst_url("trajecten", "actief"))
    assert {rij["klant_gemeente"] for rij in response.context["page"].object_list} == {"Epe"}
    assert "B. Bakker" not in response.content.decode()


@pytest.mark.django_db
def test_the_option_lists_come_only_from_the_users_scope(medewerker_epe, logged_in, gemengde_data):
    make_traject(make_kandidaat("Apeldoorn"), startdatum=P, uitvoerende="Alleen Apeldoorn")
    response = logged_in(medewerker_epe).get(f"/?{Q}")
    form = response.context["form"]
    assert [naam for naam, _ in form.fields["gemeente"].choices[1:]] == [
        str(pk) for pk in medewerker_epe.gemeenten.values_list("pk", flat=True)
    ]
    assert "B. Bakker" not in dict(form.fields["begeleider"].choices)
    uitvoerenden = dict(form.fields["uitvoerende"].widget.choices)
    assert "Alleen Apeldoorn" not in uitvoerenden
    assert "Alrijde C" in uitvoerenden


@pytest.mark.django_db
def test_a_gemeente_outside_the_scope_is_a_form_error_and_is_ignored(medewerker_epe, logged_in, gemengde_data):
    from kandidaten.models import Gemeente

    apeldoorn = Gemeente.objects.get(naam="Apeldoorn")
    response = logged_in(medewerker_epe).get("/", {"peildatum": "15-03-2026", "gemeente": apeldoorn.pk})
    assert "gemeente" in response.context["form"].errors
    assert response.context["filters"].vernauwing.gemeente is None
    assert panel_numbers(response.content.decode())[("trajecten", "actief")] == 4


@pytest.mark.django_db
def test_the_drill_down_sorts_by_a_column_and_pages(teamleider, logged_in):
    kandidaat = make_kandidaat("Epe")
    for dagen in range(30):
        make_traject(kandidaat, startdatum=P - (dagen + 1) * DAG)
    client = logged_in(teamleider)
    response = client.get(lijst_url("trajecten", "actief", f"{Q}&sort=-start&per_page=25"))
    rows = list(response.context["page"].object_list)
    assert len(rows) == 25
    assert rows[0]["startdatum"] == P - DAG
    assert [r["startdatum"] for r in rows] == sorted((r["startdatum"] for r in rows), reverse=True)
    second = client.get(lijst_url("trajecten", "actief", f"{Q}&sort=-start&page=2"))
    assert len(second.context["page"].object_list) == 5
    assert 'aria-sort="descending"' in response.content.decode()


@pytest.mark.django_db
def test_empty_signaaldatums_sort_last_both_ways(teamleider, logged_in):
    kandidaat = make_kandidaat("Epe")
    make_traject(kandidaat, startdatum=P - 5 * DAG, signaaldatum=None)
    make_traject(kandidaat, startdatum=P - 5 * DAG, signaaldatum=P)
    make_traject(kandidaat, startdatum=P - 5 * DAG, signaaldatum=P + DAG)
    client = logged_in(teamleider)
    for sort in ("signaal", "-signaal"):
        rows = client.get(lijst_url("trajecten", "actief", f"{Q}&sort={sort}")).context["page"].object_list
        assert rows[len(rows) - 1]["signaaldatum"] is None


@pytest.mark.django_db
def test_an_htmx_request_gets_only_the_table(teamleider, logged_in, gemengde_data):
    response = logged_in(teamleider).get(lijst_url("trajecten", "actief"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="signaal-tabel"')
    assert "<html" not in html


@pytest.mark.django_db
def test_the_drill_down_links_each_client_to_the_client_page(teamleider, logged_in):
    kandidaat = make_kandidaat("Epe")
    make_traject(kandidaat, startdatum=P)
    html = logged_in(teamleider).get(lijst_url("trajecten", "actief")).content.decode()
    assert f'href="{reverse("kandidaten:detail", args=[kandidaat.pk])}"' in html


@pytest.mark.django_db
def test_the_drill_down_page_uses_a_bounded_number_of_queries(teamleider, logged_in, django_assert_max_num_queries):
    for _ in range(20):
        kandidaat = make_kandidaat("Epe")
        make_module(kandidaat, traject=make_traject(kandidaat, startdatum=P), startdatum=P)
    client = logged_in(teamleider)
    client.get(lijst_url("modules", "actief"))  # warm the session
    # session, user, 2 × permissions, begeleiders, gemeenten, uitvoerenden, count (the scope's gemeenten and
    # their stored counts), page (two steps: the clients in order, then their items), session save (3)
    with django_assert_max_num_queries(14):
        response = client.get(lijst_url("modules", "actief"))
    assert response.context["page"].paginator.count == 20


@pytest.mark.django_db
def test_the_overview_page_uses_a_bounded_number_of_queries(teamleider, logged_in, django_assert_max_num_queries):
    kandidaat = make_kandidaat("Epe")
    make_module(kandidaat, traject=make_traject(kandidaat, startdatum=P), startdatum=P)
    client = logged_in(teamleider)
    client.get(f"/?{Q}")
    # session, user, begeleiders, gemeenten, uitvoerenden, 2 panel queries (stored counts), 1 for the pictures,
    # 2 × permissions (the menu), session save (3)
    with django_assert_max_num_queries(13):
        client.get(f"/?{Q}")


# --- export ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_csv_export_has_exactly_the_listed_items_and_is_audited(teamleider, logged_in, gemengde_data):
    client = logged_in(teamleider)
    response = client.get(lijst_url("modules", "opschortingen", f"{Q}&_export=csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Pers. nr.", "Naam", "Bet. gemeente", "Begeleider", "Module-ID", "Uitvoerende",
                       "Startdatum", "Signaaldatum", "Einddatum", "Opgeschort"]
    assert len(rows) - 1 == 3
    assert {row[-1] for row in rows[1:]} == {"Ja"}
    assert {row[2] for row in rows[1:]} == {"Epe", "Apeldoorn"}
    assert all(row[0] and row[1].startswith("Jansen") for row in rows[1:])
    event = AuditEvent.objects.get(actie=AuditEvent.Actie.EXPORT)
    assert event.aantal_rijen == 3
    assert event.filters["peildatum"] == "2026-03-15"
    assert event.filters["teller"] == "opschortingen"


@pytest.mark.django_db
def test_the_xlsx_export_opens_with_one_row_per_item(teamleider, logged_in, gemengde_data):
    import openpyxl

    response = logged_in(teamleider).get(lijst_url("trajecten", "signaal_verstreken", f"{Q}&_export=xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][4] == "Traject-ID"
    assert len(rows) - 1 == 3
    assert AuditEvent.objects.get().aantal_rijen == 3


@pytest.mark.django_db
def test_the_export_neutralises_formulas(teamleider, logged_in):
    make_traject(make_kandidaat("Epe", begeleider="=HYPERLINK(\"http://x\")"), startdatum=P, uitvoerende="+31 mal")
    response = logged_in(teamleider).get(lijst_url("trajecten", "actief", f"{Q}&_export=csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "'+31 mal" in text


@pytest.mark.django_db
def test_export_without_the_permission_is_forbidden_and_not_audited(logged_in, gemengde_data):
    from tests.factories import gemeente

    user = make_user("zonder.rechten", gemeenten=[gemeente("Epe")])
    client = logged_in(user)
    assert client.get(lijst_url("trajecten", "actief")).status_code == 200
    assert "_export=xlsx" not in client.get(lijst_url("trajecten", "actief")).content.decode()
    assert client.get(lijst_url("trajecten", "actief", f"{Q}&_export=xlsx")).status_code == 403
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_the_system_scope_used_by_the_command_sees_every_gemeente(gemengde_data):
    totaal = {t.teller.slug: t.aantal for g, ts in paneel(SYSTEEM, P) if g.slug == "trajecten" for t in ts}
    assert totaal["actief"] == 6


@pytest.fixture
def veel_items():
    """Clients in three gemeenten with one to four items each, same names and dates on purpose: pages of 25 end
    inside a client's items and inside a gemeente, and only the tie-breakers decide the order."""
    for index in range(45):
        gemeente = ("Epe", "Apeldoorn", "Heerde")[index % 3]
        kandidaat = make_kandidaat(gemeente, naam=("Aal, A." if index % 2 else f"Bos, {index:02d}."),
                                   begeleider=("A. de Vries", "B. Bakker", "")[index % 3])
        for nummer in range(1 + index % 4):
            make_module(kandidaat, startdatum=P - (index % 5) * DAG, einddatum=(P + nummer * DAG) if nummer else None,
                        signaaldatum=(P + (index % 3) * DAG) if index % 4 else None, opgeschort=bool(nummer % 2),
                        uitvoerende=f"Uitvoerende {index % 6}")
    make_module(make_kandidaat("Zwolle"), startdatum=P)  # another gemeente: not in the teamleider's lists


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["naam", "-naam", "gemeente", "-gemeente", "begeleider", "-begeleider",
                                  "uitvoerende", "start", "-signaal", "einde", "-einde", "opgeschort"])
def test_drill_down_pages_are_the_export_cut_in_pages(teamleider, logged_in, veel_items, sort):
    # A page is read in two steps (clients walked in order, or item ids first): all pages together must be
    # exactly the one sorted query that the export writes, whatever the sort.
    client = logged_in(teamleider)
    export = client.get(lijst_url("modules", "actief", f"{Q}&sort={sort}&_export=csv"))
    expected = [row[4] for row in csv.reader(io.StringIO(export.getvalue().decode("utf-8-sig")), delimiter=";")][1:]
    shown = []
    for page in range(1, 6):
        response = client.get(lijst_url("modules", "actief", f"{Q}&sort={sort}&per_page=25&page={page}"))
        shown += [row["item_id"] for row in response.context["page"].object_list]
    assert response.context["page"].paginator.count == len(expected) == 111
    assert shown == expected


@pytest.mark.django_db
def test_a_narrowed_drill_down_walks_only_the_narrowed_clients(teamleider, logged_in, veel_items):
    from kandidaten.models import Gemeente

    epe = Gemeente.objects.get(naam="Epe").pk
    client = logged_in(teamleider)
    for query, sort in ((f"gemeente={epe}", "gemeente"), ("begeleider=B.%20Bakker", "naam"),
                        ("uitvoerende=Uitvoerende%203", "-naam")):
        response = client.get(lijst_url("modules", "actief", f"{Q}&{query}&sort={sort}&per_page=100"))
        rows = list(response.context["page"].object_list)
        assert len(rows) == response.context["page"].paginator.count > 0
        full = client.get(lijst_url("modules", "actief", f"{Q}&{query}&sort={sort}&_export=csv"))
        assert len(full.getvalue().decode("utf-8-sig").splitlines()) - 1 == len(rows)


@pytest.mark.django_db
def test_the_clients_of_a_counter_hold_exactly_its_items(teamleider, veel_items):
    from kandidaten.selectors.signalen import Vernauwing, klanten_met_aantal, signaal_items

    for groep in GROEPEN.values():
        for teller in groep.tellers:
            for user, vernauwing in ((teamleider, Vernauwing()), (SYSTEEM, Vernauwing(begeleider="A. de Vries")),
                                     (teamleider, Vernauwing(uitvoerende=("Uitvoerende 1",)))):
                per_klant = dict(klanten_met_aantal(user, groep.slug, teller.slug, P, vernauwing))
                items = signaal_items(user, groep.slug, teller.slug, P, vernauwing)
                assert sum(per_klant.values()) == items.count()
                assert set(per_klant) == set(items.values_list("kandidaat_id", flat=True))

"""The candidate list: filters, scope, sorting, paging, htmx, query count."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kandidaten.models import Gemeente, Kandidaat
from tests.factories import make_kandidaat, make_module, make_traject

pytestmark = pytest.mark.django_db
URL = reverse("kandidaten:lijst")


@pytest.fixture(autouse=True)
def fresh_options():
    cache.clear()  # option lists are cached per data generation, which a rolled-back test repeats


def names(response):
    return [kandidaat.naam for kandidaat in response.context["page"].object_list]


@pytest.fixture
def clients_epe():
    today = datetime.date.today()
    a = make_kandidaat("Epe", naam="Aal, A.", klantprofiel="N", begeleider="A. de Vries",
                       participatieladder="04 met groeipotentieel", doelgroep="Wajong", klant_van="uwv")
    b = make_kandidaat("Epe", naam="Bos, B.", klantprofiel="J", begeleider="J. Peters", sonar_status="gesloten",
                       dv_laatste_soort="Naar werk", dgr=False)
    c = make_kandidaat("Epe", naam="Cor, C.", klantprofiel="L", begeleider="A. de Vries", sonar_status="",
                       banenafspraak=False)
    d = make_kandidaat("Epe", naam="Dijk, D.", klantprofiel="O", in_bron=False)
    make_traject(a, uitvoerende="Alrijde B", startdatum=today - datetime.timedelta(days=10))
    make_module(c, uitvoerende="Alrijde B", startdatum=today - datetime.timedelta(days=100),
                einddatum=today - datetime.timedelta(days=1))  # ended: not active
    make_kandidaat("Apeldoorn", naam="Anders, A.", klantprofiel="N", begeleider="A. de Vries")
    return a, b, c, d


@pytest.mark.parametrize("query, expected", [
    ("", ["Aal, A.", "Bos, B.", "Cor, C."]),
    ("klantprofiel=N", ["Aal, A."]),
    ("klantprofiel=N&klantprofiel=J", ["Aal, A.", "Bos, B."]),
    ("status=gesloten", ["Bos, B."]),
    ("status=leeg", ["Cor, C."]),
    ("dgr=nee", ["Bos, B."]),
    ("banenafspraak=nee", ["Cor, C."]),
    ("profiel_nodig=ja", ["Aal, A."]),
    ("ladder=04%20met%20groeipotentieel", ["Aal, A."]),
    ("ladder=onbekend", ["Bos, B.", "Cor, C."]),
    ("dv_soort=Naar%20werk", ["Bos, B."]),
    ("doelgroep=Wajong", ["Aal, A."]),
    ("begeleider=A.%20de%20Vries", ["Aal, A.", "Cor, C."]),
    ("uitvoerende=Alrijde%20B", ["Aal, A."]),
    ("klant_van=uwv", ["Aal, A."]),
    ("q=bos", ["Bos, B."]),
    ("ook_niet_in_bron=on", ["Aal, A.", "Bos, B.", "Cor, C.", "Dijk, D."]),
    ("begeleider=A.%20de%20Vries&klantprofiel=L", ["Cor, C."]),
])
def test_each_filter_alone_and_combined(logged_in, medewerker_epe, clients_epe, query, expected):
    response = logged_in(medewerker_epe).get(f"{URL}?{query}&sort=naam")
    assert response.status_code == 200
    assert names(response) == expected


@pytest.mark.parametrize("q", ["ozturk", "ÖZTÜRK", "oztürk e", "  Öztürk,  "])
def test_the_name_search_ignores_case_accents_and_punctuation(logged_in, teamleider, q):
    make_kandidaat("Epe", naam="Öztürk, E.")
    make_kandidaat("Epe", naam="de Boer, A.")
    assert names(logged_in(teamleider).get(URL, {"q": q})) == ["Öztürk, E."]
    assert names(logged_in(teamleider).get(URL, {"q": "BOER"})) == ["de Boer, A."]


def test_pers_nr_search_matches_the_canonical_number(logged_in, medewerker_epe, clients_epe):
    a = clients_epe[0]
    response = logged_in(medewerker_epe).get(f"{URL}?q=000{a.pers_nr_sleutel}")
    assert names(response) == ["Aal, A."]


def test_gemeente_and_regio_filters(logged_in, teamleider, clients_epe):
    epe = Gemeente.objects.get(naam="Epe")
    client = logged_in(teamleider)
    assert len(names(client.get(f"{URL}?gemeente={epe.pk}"))) == 3
    assert len(names(client.get(f"{URL}?regio={epe.regio_id}"))) == 4  # Apeldoorn and Epe share a regio


def test_medewerker_of_epe_sees_no_apeldoorn_clients_nor_their_values(logged_in, medewerker_epe, clients_epe):
    make_kandidaat("Apeldoorn", begeleider="Alleen in Apeldoorn", doelgroep="NUG")
    response = logged_in(medewerker_epe).get(URL)
    assert "Anders, A." not in names(response)
    form = response.context["filter"].form
    assert "Alleen in Apeldoorn" not in dict(form.fields["begeleider"].choices)
    assert [label for _pk, label in form.fields["gemeente"].choices] == ["Epe"]
    apeldoorn = Gemeente.objects.get(naam="Apeldoorn")
    refused = logged_in(medewerker_epe).get(f"{URL}?gemeente={apeldoorn.pk}")
    # A gemeente outside the scope is not a valid choice: a form error, the filter is ignored, scope holds.
    assert "gemeente" in refused.context["filter"].form.errors
    assert "Anders, A." not in names(refused)


def test_user_without_gemeenten_sees_nothing(logged_in, clients_epe):
    from tests.factories import make_user

    nobody = make_user("niemand", "Medewerker")
    assert names(logged_in(nobody).get(URL)) == []


def test_sorting_and_paging_with_page_size(logged_in, medewerker_epe):
    for index in range(30):
        make_kandidaat("Epe", naam=f"Naam {index:02d}")
    client = logged_in(medewerker_epe)
    first = client.get(f"{URL}?sort=-naam&per_page=25")
    assert names(first)[:2] == ["Naam 29", "Naam 28"]
    assert first.context["page"].paginator.count == 30
    second = client.get(f"{URL}?sort=-naam&per_page=25&page=2")
    assert names(second) == [f"Naam {i:02d}" for i in range(4, -1, -1)]


def test_htmx_request_gets_only_the_result_partial(logged_in, medewerker_epe, clients_epe):
    response = logged_in(medewerker_epe).get(f"{URL}?klantprofiel=N", headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="resultaat"')
    assert 'id="filters"' not in content  # the form stays as the user left it
    assert "<html" not in content


def test_list_page_needs_at_most_six_selects(logged_in, medewerker_epe, clients_epe):
    for _index in range(40):
        make_kandidaat("Epe")
    client = logged_in(medewerker_epe)
    client.get(URL)  # fills the option cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{URL}?klantprofiel=N&sort=gemeente&per_page=100")
    assert response.status_code == 200
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 6, selects
    assert sum("COUNT(" in sql for sql in selects) == 1
    assert not any("DISTINCT" in sql for sql in selects)


def test_profiel_nodig_badge_and_the_switch_between_mine_and_all(logged_in, medewerker_epe, clients_epe):
    content = logged_in(medewerker_epe).get(URL).content.decode()
    assert "Profiel nodig</span>" in content
    assert 'href="?weergave=mijn" aria-current="page"' in content
    assert 'href="?weergave=alle"' in content


def test_option_lists_follow_a_changed_scope_at_once(logged_in, medewerker_epe, clients_epe):
    client = logged_in(medewerker_epe)
    assert "Alleen in Heerde" not in str(list(client.get(URL).context["filter"].form.fields["begeleider"].choices))
    make_kandidaat("Heerde", begeleider="Alleen in Heerde")
    medewerker_epe.gemeenten.add(Gemeente.objects.get(naam="Heerde"))
    assert "Alleen in Heerde" in str(list(client.get(URL).context["filter"].form.fields["begeleider"].choices))
    medewerker_epe.gemeenten.remove(Gemeente.objects.get(naam="Heerde"))
    assert "Alleen in Heerde" not in str(list(client.get(URL).context["filter"].form.fields["begeleider"].choices))


def test_option_lists_follow_a_change_made_by_another_process(logged_in, medewerker_epe, clients_epe):
    # Another server process (or the import thread) changes the data: it raises the generation in the
    # database, which this process reads; nothing in this process's cache was told.
    from kandidaten.models import Datastand

    client = logged_in(medewerker_epe)
    assert "Nieuwe begeleider" not in str(list(client.get(URL).context["filter"].form.fields["begeleider"].choices))
    Kandidaat.objects.filter(naam="Aal, A.").update(begeleider="Nieuwe begeleider")  # no signals: bulk
    assert "Nieuwe begeleider" not in str(list(client.get(URL).context["filter"].form.fields["begeleider"].choices))
    Datastand.verhoog()
    assert "Nieuwe begeleider" in str(list(client.get(URL).context["filter"].form.fields["begeleider"].choices))


def test_option_lists_hold_each_value_once(logged_in, medewerker_epe):
    for _index in range(3):
        make_kandidaat("Epe", begeleider="A. de Vries", doelgroep="Wajong")
    form = logged_in(medewerker_epe).get(URL).context["filter"].form
    assert list(form.fields["begeleider"].choices) == [("A. de Vries", "A. de Vries")]
    assert list(form.fields["doelgroep"].choices) == [("Wajong", "Wajong")]


def test_gemeente_column_shows_the_name_and_sorts_by_name_not_by_number(logged_in, teamleider):
    # Apeldoorn was loaded before Epe, so its number is lower: a sort by number would put it first either way.
    make_kandidaat("Epe", naam="Bakker, B.")
    make_kandidaat("Apeldoorn", naam="Aal, A.")
    client = logged_in(teamleider)
    ascending = client.get(f"{URL}?sort=gemeente")
    descending = client.get(f"{URL}?sort=-gemeente")
    assert names(ascending) == ["Aal, A.", "Bakker, B."]
    assert names(descending) == ["Bakker, B.", "Aal, A."]
    assert '<td data-label="Bet. gemeente" class="kolom-gemeente">Apeldoorn</td>' in ascending.content.decode()


@pytest.mark.parametrize("sort", ["gemeente", "-gemeente"])
@pytest.mark.parametrize("query, field", [("klantprofiel=J", "klantprofiel"), ("doelgroep=Wajong", "doelgroep")])
def test_pages_sorted_by_gemeente_are_the_whole_sorted_list_cut_in_pages(logged_in, teamleider, sort, query, field):
    # The gemeente sort counts per gemeente and reads each page from the gemeenten it falls in: pages that
    # start and end inside a gemeente must still be exactly the plain sort, cut in pieces. Klantprofiel is
    # counted from the gemeente index, doelgroep (not in it) from the table.
    for gemeente, count in (("Heerde", 7), ("Apeldoorn", 31), ("Epe", 24)):
        for index in range(count):
            make_kandidaat(gemeente, naam=f"{'Zwart' if index % 2 else 'Aal'}, {index:02d}.",
                           klantprofiel="J" if index % 3 else "N", doelgroep="Wajong" if index % 3 else "NUG")
    make_kandidaat("Zwolle", naam="Aal, buiten bereik.")  # another gemeente: not in this list
    direction = sort.removesuffix("gemeente")  # django-tables2 reverses the whole order
    value = query.split("=")[1]
    expected = list(
        Kandidaat.objects.filter(gemeente__naam__in=["Apeldoorn", "Epe", "Heerde"], **{field: value})
        .order_by(*[f"{direction}{name}" for name in ("gemeente__naam", "naam_sortering", "pers_nr_sleutel")])
        .values_list("naam", "gemeente__naam")
    )
    client = logged_in(teamleider)
    shown = []
    for page in (1, 2):
        response = client.get(f"{URL}?{query}&sort={sort}&per_page=25&page={page}")
        assert response.context["page"].paginator.count == len(expected) == 40
        shown += [(kandidaat.naam, kandidaat.gemeente.naam) for kandidaat in response.context["page"].object_list]
    assert shown == expected


@pytest.mark.parametrize(("query", "covered"), [
    ("klantprofiel=N&klantprofiel=L&dgr=ja", True),
    ("status=open&profiel_nodig=ja&klant_van=uwv", True),
    ("doelgroep=Wajong", False),  # not in the index: counted from the table
    ("q=jan", True),  # searched in the name's sort key, which the index holds
    ("uitvoerende=Alrijde", None),  # a subquery over the items
    ("regio={regio}", None),  # a join
])
def test_the_list_knows_which_filters_its_gemeente_index_holds(medewerker_epe, query, covered):
    from django.http import QueryDict

    from kandidaten.filters import KandidaatFilter
    from kandidaten.selectors.kandidaten import gemeente_index_kolommen, kandidaten

    make_kandidaat("Epe", doelgroep="Wajong")
    query = query.format(regio=Gemeente.objects.get(naam="Epe").regio_id)
    filterset = KandidaatFilter(QueryDict(query), queryset=kandidaten(medewerker_epe), scope=medewerker_epe)
    assert filterset.form.is_valid(), filterset.form.errors
    kolommen = filterset.gefilterde_kolommen()
    assert (None if kolommen is None else kolommen <= gemeente_index_kolommen()) is covered


def test_an_empty_list_sorted_by_gemeente_says_so(logged_in, teamleider):
    response = logged_in(teamleider).get(f"{URL}?q=niemand")
    assert response.context["page"].paginator.count == 0
    assert "Geen kandidaten gevonden met deze filters." in response.content.decode()


def test_cells_escape_names_and_show_empty_values(logged_in, teamleider):
    make_kandidaat("Epe", naam="<b>Vet</b>, V.", begeleider="", doelgroep="", sonar_status="", klantprofiel="L",
                   participatieladder="", dgr=False, banenafspraak=True, in_bron=False)
    content = logged_in(teamleider).get(f"{URL}?ook_niet_in_bron=on").content.decode()
    row = content[content.index("<tbody>"):content.index("</tbody>")]
    assert "<b>Vet</b>" not in row and "&lt;b&gt;Vet&lt;/b&gt;, V." in row
    cells = [cell.split(">", 1)[1].split("</td>")[0] for cell in row.split("<td ")[1:]]
    assert cells[0] == "Epe"
    assert cells[3] == "(leeg)"  # doelgroep
    assert cells[4:6] == ["Nee", "Ja"]  # DGR, banenafspraak: one display for yes/no
    assert cells[6] == "(leeg)"  # Sonar - Status, the status filter's word
    assert cells[7] == "L – Leeg"
    assert cells[8] == "Onbekend"  # participatieladder
    assert cells[9] == "(leeg)"  # begeleider
    assert "Niet meer in bron" in cells[10] and "Bekijken" in cells[10]


def test_the_acties_sort_puts_who_needs_a_profile_first(logged_in, teamleider):
    make_kandidaat("Epe", naam="Aal, geen profiel nodig.", klantprofiel="J")
    make_kandidaat("Epe", naam="Bos, weg.", klantprofiel="N", in_bron=False)
    make_kandidaat("Epe", naam="Cor, nodig.", klantprofiel="N")
    make_kandidaat("Epe", naam="Aap, nodig.", klantprofiel="N")
    client = logged_in(teamleider)
    ascending = names(client.get(f"{URL}?ook_niet_in_bron=on&sort=acties"))
    # Profiel nodig (klantprofiel N) first, then by name; a client no longer in the source keeps its place.
    assert ascending == ["Aap, nodig.", "Bos, weg.", "Cor, nodig.", "Aal, geen profiel nodig."]
    assert names(client.get(f"{URL}?ook_niet_in_bron=on&sort=-acties")) == list(reversed(ascending))


def test_the_table_shows_rows_in_the_order_the_database_gave(teamleider):
    from kandidaten.selectors.kandidaten import Sortering
    from kandidaten.tables import KandidaatTable

    for naam in ("Zwart, Z.", "Aal, A.", "Mol, M."):
        make_kandidaat("Epe", naam=naam)
    epe = Gemeente.objects.get(naam="Epe")
    rows = list(Kandidaat.objects.order_by("-naam_sortering"))  # the database's order, not the table's
    table = KandidaatTable(rows, sortering=Sortering("naam"), gemeente_namen={epe.pk: "Epe"})
    rendered = [str(row) for row in table.rijen()]
    assert [next(n for n in ("Zwart", "Aal", "Mol") if n in row) for row in rendered] == ["Zwart", "Mol", "Aal"]
    assert 'data-label="Bet. gemeente" class="kolom-gemeente">Epe</td>' in rendered[0]
    header = {column.name: column for column in table.columns}
    assert header["naam"].is_ordered and not header["naam"].order_by_alias.is_descending

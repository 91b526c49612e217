"""The pictures per gemeente: klantprofiel and participatieladder, as SVG with links and a table."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from kandidaten.charts import Staaf, klantprofiel_figuur, ladder_figuur, staafdiagram
from kandidaten.selectors.overzicht import verdelingen
from kandidaten.weergave import LADDERS
from tests.factories import gemeente, make_kandidaat


@pytest.fixture
def kandidaten():
    make_kandidaat("Epe", klantprofiel="J", participatieladder="04 met groeipotentieel", ladder_trede=4)
    make_kandidaat("Epe", klantprofiel="J", participatieladder="06", ladder_trede=6)
    make_kandidaat("Epe", klantprofiel="O", participatieladder="")
    make_kandidaat("Epe", klantprofiel="N", participatieladder="", in_bron=False)  # gone: never counts
    make_kandidaat("Apeldoorn", klantprofiel="N", participatieladder="02 zonder groeipotentieel")


@pytest.mark.django_db
def test_the_distribution_counts_clients_in_the_source_per_gemeente(kandidaten, teamleider):
    per_gemeente = {v.gemeente: v for v in verdelingen(teamleider)}
    assert list(per_gemeente) == ["Apeldoorn", "Epe"]
    epe = per_gemeente["Epe"]
    assert epe.totaal == 3
    assert epe.klantprofiel_rijen() == [("J", 2), ("N", 0), ("L", 0), ("O", 1)]
    ladder = {ladder.opgeslagen: aantal for ladder, aantal in epe.ladder_rijen()}
    assert ladder["04 met groeipotentieel"] == 1
    assert ladder["06"] == 1
    assert ladder[""] == 1
    labels = [ladder.label for ladder, _ in epe.ladder_rijen()]
    assert labels == [ladder.label for ladder in LADDERS] + ["Onbekend"]
    assert labels[6] == "4 Onbetaald werk, met groeipotentieel"


@pytest.mark.django_db
def test_the_pictures_only_cover_the_users_gemeenten(kandidaten, medewerker_epe):
    assert [v.gemeente for v in verdelingen(medewerker_epe)] == ["Epe"]


@pytest.mark.django_db
def test_each_klantprofiel_bar_links_to_the_candidate_list_of_that_gemeente_and_profile(kandidaten, teamleider):
    epe = next(v for v in verdelingen(teamleider) if v.gemeente == "Epe")
    figuur = klantprofiel_figuur(epe)
    links = re.findall(r'<a class="chart__link" href="([^"]+)"', figuur.svg)
    assert len(links) == 4
    query = parse_qs(urlsplit(links[0].replace("&amp;", "&")).query)
    assert urlsplit(links[0]).path == "/kandidaten/"
    assert query == {"gemeente": [str(gemeente("Epe").pk)], "klantprofiel": ["J"]}


@pytest.mark.django_db
def test_each_ladder_bar_links_with_the_stored_label_and_unknown_as_onbekend(kandidaten, teamleider):
    epe = next(v for v in verdelingen(teamleider) if v.gemeente == "Epe")
    figuur = ladder_figuur(epe)
    queries = [parse_qs(urlsplit(staaf.href).query) for staaf in figuur.staven]
    assert queries[6]["ladder"] == ["04 met groeipotentieel"]
    assert figuur.staven[6].label == "4 Onbetaald werk, met groeipotentieel"
    assert figuur.staven[6].tekst == "4 met groeipotentieel"  # beside the bar: only a few characters fit
    assert queries[-1]["ladder"] == ["onbekend"]
    assert "ladder=04+met+groeipotentieel" in figuur.staven[6].href


def test_a_chart_has_a_text_alternative_listing_every_number_and_named_links():
    svg = staafdiagram("test", "Titel <b>", [Staaf("J – Ja", 3000, "/k/?a=1&b=2"), Staaf("N – Nee", 0, "/k/")])
    assert 'role="group"' in svg
    assert 'aria-label="J – Ja: 3.000 kandidaten, toon in de kandidatenlijst"' in svg
    assert 'aria-labelledby="test-titel test-desc"' in svg
    assert '<title id="test-titel">Titel &lt;b&gt;</title>' in svg
    assert "J – Ja: 3.000 kandidaten; N – Nee: 0 kandidaten" in svg
    assert 'href="/k/?a=1&amp;b=2"' in svg
    assert "style=" not in svg


@pytest.mark.django_db
def test_the_overview_shows_both_pictures_and_tables_per_gemeente(kandidaten, teamleider, logged_in):
    html = logged_in(teamleider).get("/").content.decode()
    assert html.count('<svg class="chart"') == 4
    assert "Kandidaten per klantprofiel, Epe" in html
    assert "Kandidaten per trede van de participatieladder, Apeldoorn" in html
    assert html.count('<table class="figuur__tabel">') == 4


@pytest.mark.django_db
def test_with_many_gemeenten_the_pictures_wait_for_a_choice(kandidaten, logged_in):
    from tests.factories import make_user

    admin = make_user("admin", is_superuser=True)
    client = logged_in(admin)
    html = client.get("/").content.decode()
    assert '<svg class="chart"' not in html
    assert "Kies hierboven een gemeente" in html
    html = client.get("/", {"gemeente": gemeente("Epe").pk}).content.decode()
    assert html.count('<svg class="chart"') == 2

"""The page a teamleider opens before the quarterly meeting: the as-of date, Dutch numbers, accessible tables,
the trend, and the export in UWV's column order through the one (audited) export flow."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.utils import timezone

from kandidaten.charts_transparantie import Lijnpunt, lijngrafiek
from kandidaten.models import AuditEvent, Gemeente
from tests.factories import make_user

from .exports import datum
from .helpers import opgeslagen

pytestmark = pytest.mark.django_db
Q1, Q2 = datum("31-03-2025"), datum("30-06-2025")


@pytest.fixture
def standen():
    opgeslagen(Q1, "Apeldoorn", 250, 800, 950, 290)
    opgeslagen(Q1, "Epe", 20, 130, 150, 62)
    opgeslagen(Q2, "Apeldoorn", 269, 793, 960, 281)
    opgeslagen(Q2 - datetime.timedelta(days=3), "Epe", 23, 133, 151, 60)


def test_the_page_says_as_of_when_and_on_which_stands_in_dutch_numbers(logged_in, teamleider, standen):
    response = logged_in(teamleider).get("/transparantie/?kwartaal=2025-Q2")
    html = " ".join(response.content.decode().split())
    vandaag = timezone.localdate().strftime("%d-%m-%Y")
    assert "Situatie op <strong>30-06-2025</strong> (eind 2e kwartaal 2025)" in html
    assert f"stand 27-06-2025 t/m 30-06-2025 (per gemeente in de kolom Stand), laatste import {vandaag}" in html
    assert '<td class="num totaal">2.303</td>' in html  # Apeldoorn
    assert '<td class="num totaal">2.670</td>' in html  # Totaal AMR
    assert '<td class="num">53%</td>' in html  # Apeldoorn: 1,229 of 2,303 with a profile
    assert "<td>27-06-2025</td>" in html  # Epe's own stand


def test_picking_another_quarter_or_date_shows_that_state(logged_in, teamleider, standen):
    client = logged_in(teamleider)
    rapport = client.get("/transparantie/?kwartaal=2025-Q1").context["rapport"]
    assert (rapport.datum, rapport.totaal.totaal) == (Q1, 2290 + 362)
    rapport = client.get("/transparantie/?stand=28-06-2025").context["rapport"]
    assert (rapport.datum, rapport.totaal.totaal) == (datum("28-06-2025"), 2290 + 367)
    # A quarter before any data: said so, not an error.
    response = client.get("/transparantie/?kwartaal=2024-Q4")
    assert "Voor 31-12-2024 zijn er geen gegevens" in response.content.decode()
    # The current quarter's end lies ahead: its report is today's.
    vandaag = timezone.localdate()
    kwartaal = f"{vandaag.year}-Q{(vandaag.month - 1) // 3 + 1}"
    assert client.get(f"/transparantie/?kwartaal={kwartaal}").context["rapport"].datum == vandaag


def test_a_wrong_date_is_named_and_today_is_used(logged_in, teamleider, standen):
    response = logged_in(teamleider).get("/transparantie/?stand=31-02-2025")
    html = response.content.decode()
    assert 'role="alert"' in html and "Vul de datum in als dd-mm-jjjj" in html
    assert response.context["rapport"].datum == timezone.localdate()


def test_the_tables_have_captions_and_header_scopes(logged_in, teamleider, standen):
    html = logged_in(teamleider).get("/transparantie/?kwartaal=2025-Q2").content.decode()
    assert html.count("<caption>") == 2  # the report and the trend
    assert '<th scope="colgroup" colspan="2" class="groep">Gemeenteklanten in Sonar</th>' in html
    assert '<th scope="row">Epe</th>' in html
    assert "<td" not in html.split("<thead>")[1].split("</thead>")[0]


def test_the_trend_has_a_point_per_quarter_end_as_a_line_chart_and_a_table(logged_in, teamleider, standen):
    response = logged_in(teamleider).get("/transparantie/?stand=15-08-2025")
    punten = response.context["punten"]
    assert [(p.label, p.aantallen.totaal) for p in punten] == [
        ("1e kwartaal 2025", 2652), ("2e kwartaal 2025", 2670), ("stand 15-08-2025", 2670)]
    html = response.content.decode()
    assert html.count('<svg class="trend-grafiek"') == 2
    assert "<desc id=\"trend-totaal-desc\">2025 K1: 2.652; 2025 K2: 2.670; 15-08: 2.670 (kandidaten)</desc>" in html
    assert '<th scope="row">2e kwartaal 2025</th><td class="num">2.670</td>' in html


def test_a_line_chart_names_every_value_and_draws_no_line_through_missing_points():
    svg = lijngrafiek("t", "Totaal", [Lijnpunt("K1", None, "–"), Lijnpunt("K2", 1200, "1.200")])
    assert 'role="img" aria-labelledby="t-titel t-desc"' in svg
    assert "<desc id=\"t-desc\">K1: geen gegevens; K2: 1.200</desc>" in svg
    assert "<polyline" not in svg and svg.count("<circle") == 1
    assert ">2.000</text>" in svg  # the scale rounds up to a whole step


def test_the_export_is_audited_and_in_uwvs_column_order(logged_in, teamleider, standen):
    client = logged_in(teamleider)
    epe = Gemeente.objects.get(naam="Epe").pk
    response = client.get(f"/transparantie/?kwartaal=2025-Q2&gemeente={epe}&_export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Arbeidsmarktregio", "Gemeente", "Gemeenteklanten: profiel", "Gemeenteklanten: geen profiel",
                       "UWV-klanten: profiel", "UWV-klanten: geen profiel", "Totaal in Sonar", "Met profiel (%)",
                       "Personen in het doelgroepregister", "Bekend in Sonar (%)", "Stand"]
    assert rows[1] == ["Veluwe Stedendriehoek", "Epe", "23", "133", "151", "60", "367", "47", "", "", "27-06-2025"]
    assert [row[1] for row in rows[1:]] == ["Epe", "Totaal AMR", "Totaal"]
    event = AuditEvent.objects.get(actie=AuditEvent.Actie.EXPORT)
    assert event.aantal_rijen == 3 and event.filters == {"datum": "2025-06-30", "regio": None, "gemeente": epe}
    assert "Transparantie van klantprofielen op 30-06-2025 (csv)" == event.omschrijving

    response = client.get("/transparantie/?kwartaal=2025-Q2&_export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:7] == tuple(rows[0][:7])
    assert values[-1][:7] == ("Totaal", "Totaal", 292, 926, 1111, 341, 2670)
    assert AuditEvent.objects.filter(actie=AuditEvent.Actie.EXPORT).count() == 2
    assert client.get("/transparantie/?_export=pdf").status_code == 404


def test_the_export_links_keep_the_choice_and_the_print_style_hides_the_controls(logged_in, teamleider, standen):
    html = logged_in(teamleider).get("/transparantie/?kwartaal=2025-Q2").content.decode()
    assert re.search(r'href="\?kwartaal=2025-Q2&amp;_export=xlsx"', html)
    assert 'href="/transparantie/uwv/?kwartaal=2025-Q2"' in html  # UWV published 2025-Q2
    from django.contrib.staticfiles import finders

    css = open(finders.find("kandidaten/transparantie.css"), encoding="utf-8").read()
    assert "@media print" in css and ".rapport-filters, .rapport__acties" in css


def test_names_in_the_table_are_escaped(logged_in, standen):
    from kandidaten.models import Arbeidsmarktregio

    regio = Arbeidsmarktregio.objects.create(nummer=99, naam="Regio <i>")
    Gemeente.objects.create(naam="Gemeente <b>", regio=regio)
    opgeslagen(Q2, "Gemeente <b>", 1, 2, 3, 4)
    admin = make_user("admin", is_superuser=True)
    html = logged_in(admin).get("/transparantie/?kwartaal=2025-Q2").content.decode()
    assert '<th scope="row">Gemeente &lt;b&gt;</th>' in html and "<td>Regio &lt;i&gt;</td>" in html
    assert "<b>" not in html.split("<tbody>")[1]


def test_the_form_shows_the_date_in_effect_so_that_the_next_pick_wins(logged_in, teamleider, standen):
    client = logged_in(teamleider)
    html = client.get("/transparantie/?kwartaal=2025-Q1").content.decode()
    stand_veld = re.search(r'<input type="text" id="id_stand"[^>]*>', html).group(0)
    assert 'value="31-03-2025"' in stand_veld
    assert '<option value="2025-Q1" selected>' not in html
    # A quarter picked next arrives beside the date shown, and wins; a date typed next arrives alone.
    assert client.get("/transparantie/?kwartaal=2025-Q2&stand=31-03-2025").context["rapport"].datum == Q2
    assert client.get("/transparantie/?kwartaal=&stand=15-05-2025").context["rapport"].datum == datum("15-05-2025")


def test_the_trend_follows_the_region_and_gemeente_filter_and_agrees_with_the_report(logged_in, teamleider, standen):
    client = logged_in(teamleider)
    epe = Gemeente.objects.get(naam="Epe")
    punten = client.get(f"/transparantie/?stand=15-08-2025&gemeente={epe.pk}").context["punten"]
    assert [p.aantallen.totaal for p in punten] == [362, 367, 367]
    for punt in client.get(f"/transparantie/?stand=15-08-2025&regio={epe.regio_id}").context["punten"]:
        rapport = client.get(f"/transparantie/?stand={punt.datum:%d-%m-%Y}&regio={epe.regio_id}").context["rapport"]
        assert punt.aantallen == rapport.totaal

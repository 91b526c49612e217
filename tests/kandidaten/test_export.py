"""The list's Excel/CSV export: exactly the list's rows, formula-safe, audited, scoped."""

import csv
import io

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse

from kandidaten.models import AuditEvent
from tests.factories import make_kandidaat, make_user

pytestmark = pytest.mark.django_db
URL = reverse("kandidaten:lijst")


@pytest.fixture(autouse=True)
def data():
    cache.clear()  # option lists are cached per data generation, which a rolled-back test repeats
    for index in range(60):
        make_kandidaat("Epe", naam=f"Naam {index:02d}", klantprofiel="JN"[index % 2])
    make_kandidaat("Epe", naam="=HYPERLINK(\"http://x\")", klantprofiel="N")
    make_kandidaat("Apeldoorn", naam="Ander, A.", klantprofiel="N")


def xlsx_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.values), workbook.active


def test_xlsx_export_has_exactly_the_filtered_sorted_rows_of_all_pages(logged_in, medewerker_epe):
    client = logged_in(medewerker_epe)
    listed = client.get(f"{URL}?klantprofiel=N&sort=-naam&per_page=25")
    response = client.get(f"{URL}?klantprofiel=N&sort=-naam&page=2&_export=xlsx")
    assert response["Content-Disposition"].startswith('attachment; filename="kandidaten-')
    rows, sheet = xlsx_rows(response)
    assert rows[0][:3] == ("Bet. gemeente", "Pers. nr.", "Naam")
    assert len(rows) - 1 == listed.context["page"].paginator.count == 31
    assert [r[2] for r in rows[1:26]] == [k.naam if not k.naam.startswith("=") else "'" + k.naam
                                          for k in listed.context["page"].object_list]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")


def test_formula_like_text_is_neutralised(logged_in, medewerker_epe):
    response = logged_in(medewerker_epe).get(f"{URL}?q=HYPERLINK&_export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][2] == "'=HYPERLINK(\"http://x\")"


def test_export_is_audited_with_filters_and_row_count(logged_in, medewerker_epe):
    logged_in(medewerker_epe).get(f"{URL}?klantprofiel=J&_export=csv")
    event = AuditEvent.objects.get(actie=AuditEvent.Actie.EXPORT)
    assert event.aantal_rijen == 30
    assert event.filters["klantprofiel"] == ["J"]
    assert event.gebruikersnaam == "medewerker.epe"


def test_export_respects_scope(logged_in, medewerker_apeldoorn):
    response = logged_in(medewerker_apeldoorn).get(f"{URL}?_export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert [r[2] for r in rows[1:]] == ["Ander, A."]


def test_export_needs_the_export_permission(logged_in):
    user = make_user("kijker", gemeenten=["Epe"])
    assert logged_in(user).get(f"{URL}?_export=xlsx").status_code == 403

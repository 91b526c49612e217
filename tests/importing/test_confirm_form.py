"""The confirm form against the preview summary: the typed number, the sample of who goes, the stand.

The summaries are built here as the pipeline writes them (`gone_sample`, `stand`, `stand_bron`), so the form
is tested whatever file would produce them; the apply task's call of import_file is recorded by a double.
"""

import datetime

import pytest
from django.urls import reverse

from kandidaten.importing import Outcome, background
from kandidaten.models import Import

from .web import page, preview_record, sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(monkeypatch):
    """import_file as the apply task calls it: the options are recorded, the import ends as applied."""
    seen = []

    def fake_import_file(path, **options):
        seen.append(options)
        record = options["import_record"]
        record.status, record.melding = Import.Status.TOEGEPAST, "Toegepast: 0 nieuw."
        record.save()
        return Outcome("applied", record.melding, 0, [], record)

    monkeypatch.setattr(background, "import_file", fake_import_file)
    return seen


def confirm(client, record, **data):
    return client.post(reverse("imports:bevestigen", args=[record.uuid]), data)


GONE_TRAJECTEN = sheet(
    "trajecten", rows=3, gone=3713, existing=3716,
    gone_sample=[{"sleutel": f"TR-{n}", "pers_nr": f"0{7970 + n}", "naam": f"Willems, J{n}."} for n in range(25)],
)


def test_the_sample_shows_business_keys_and_names_and_the_counts_per_type(logged_in, beheerder):
    record = preview_record(beheerder, [GONE_TRAJECTEN, sheet("modules", gone=1, existing=40)])
    detail = page(logged_in(beheerder), "detail", record)
    assert "3713 van de 3716 trajecten" in detail
    assert "Typ 3713 om te bevestigen" in detail
    assert "<th scope=\"col\">Traject-ID</th>" in detail and "TR-24" in detail and "Willems, J24." in detail
    assert "de eerste 25 van 3713" in detail
    assert "modules" not in detail.split("Niet meer in de bron")[1].split("Typ 3713")[0]  # 1 of 40: no confirm


def test_a_wrong_number_is_a_400_that_says_what_to_type_and_starts_nothing(logged_in, beheerder, calls):
    record = preview_record(beheerder, [GONE_TRAJECTEN])
    response = confirm(logged_in(beheerder), record, verdwenen="3716")
    assert response.status_code == 400
    content = response.content.decode()
    assert "Typ 3713 om te bevestigen dat er 3713 als" in content
    assert 'aria-invalid="true"' in content and "autofocus" in content
    assert calls == []
    record.refresh_from_db()
    assert record.status == Import.Status.VOORBEELD


def test_the_right_number_passes_confirm_mass_gone(logged_in, beheerder, calls):
    record = preview_record(beheerder, [GONE_TRAJECTEN])
    assert confirm(logged_in(beheerder), record, verdwenen="3.713").status_code == 302
    assert calls[0]["confirm_mass_gone"] is True and calls[0]["skip_invalid"] is False


def test_without_mass_gone_nothing_needs_typing_and_it_is_not_confirmed(logged_in, beheerder, calls):
    record = preview_record(beheerder, [sheet(gone=1, existing=10)])  # 10%: not more than 10%
    detail = page(logged_in(beheerder), "detail", record)
    assert "om te bevestigen" not in detail
    confirm(logged_in(beheerder), record)
    assert calls[0]["confirm_mass_gone"] is False


def test_the_stand_is_shown_with_where_it_came_from(logged_in, beheerder):
    record = preview_record(beheerder, [sheet()], stand="2025-06-30", stand_bron="bestand")
    detail = page(logged_in(beheerder), "detail", record)
    assert "Stand van de gegevens: <strong>30-06-2025</strong> (uit de titelregels van het bestand)" in detail
    assert 'value="30-06-2025"' in detail


def test_a_changed_stand_is_passed_to_the_apply(logged_in, beheerder, calls):
    record = preview_record(beheerder, [sheet()], stand="2025-06-30", stand_bron="importdag")
    assert confirm(logged_in(beheerder), record, stand="01-07-2025").status_code == 302
    assert calls[0]["stand"] == datetime.date(2025, 7, 1)


def test_an_unchanged_stand_is_not_passed(logged_in, beheerder, calls):
    record = preview_record(beheerder, [sheet()], stand="2025-06-30", stand_bron="bestand")
    confirm(logged_in(beheerder), record, stand="30-06-2025")
    assert "stand" not in calls[0]


@pytest.mark.parametrize("typed, message", [
    ("31-02-2025", "Vul de stand in als dd-mm-jjjj"),
    ("juni 2025", "Vul de stand in als dd-mm-jjjj"),
    ("", "Vul de stand in als dd-mm-jjjj"),
    ("30-06-1850", "Kies een datum tussen 01-01-1900 en 31-12-2100."),
])
def test_an_impossible_stand_is_a_form_error(logged_in, beheerder, calls, typed, message):
    record = preview_record(beheerder, [sheet()], stand="2025-06-30", stand_bron="bestand")
    response = confirm(logged_in(beheerder), record, stand=typed)
    assert response.status_code == 400 and message in response.content.decode()
    assert calls == []


def test_a_preview_without_a_stand_has_no_stand_field(logged_in, beheerder, calls):
    record = preview_record(beheerder, [sheet()])
    assert 'name="stand"' not in page(logged_in(beheerder), "detail", record)
    confirm(logged_in(beheerder), record, stand="01-07-2025")
    assert "stand" not in calls[0]


def test_a_sheet_that_misses_a_required_column_cannot_be_confirmed(logged_in, beheerder, calls):
    record = preview_record(beheerder, [sheet(sheet_errors=["Verplichte kolom ontbreekt: Naam"])])
    detail = page(logged_in(beheerder), "detail", record)
    assert "Verplichte kolom ontbreekt: Naam" in detail and "Import toepassen" not in detail

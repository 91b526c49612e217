"""The import pages: upload → preview → confirm → result, history, error workbook, permissions."""

import io
import uuid

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kandidaten.models import AuditEvent, Import, Kandidaat

from .files import kandidaat_row, kandidaten_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_imports(settings, tmp_path):
    settings.IMPORT_IN_BACKGROUND = False
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, path, name=None):
    with open(path, "rb") as handle:
        data = SimpleUploadedFile(name or path.name, handle.read())
    response = client.post(reverse("imports:nieuw"), {"bestand": data, "soort": ""})
    return response


def latest():
    return Import.objects.latest("aangemaakt")


def test_medewerker_and_teamleider_get_403_on_every_import_page(logged_in, medewerker_epe, teamleider):
    some = uuid.uuid4()
    urls = [reverse("imports:lijst"), reverse("imports:nieuw"), reverse("imports:detail", args=[some]),
            reverse("imports:fouten", args=[some])]
    for user in (medewerker_epe, teamleider):
        client = logged_in(user)
        for url in urls:
            assert client.get(url).status_code == 403, url
        assert client.post(reverse("imports:bevestigen", args=[some])).status_code == 403


def test_upload_preview_confirm_and_result(logged_in, beheerder, tmp_path):
    client = logged_in(beheerder)
    path = kandidaten_xlsx(tmp_path / "kandidaten week 47.xlsx", [kandidaat_row("1"), kandidaat_row("2")], title_rows=2)
    response = upload(client, path)
    record = latest()
    assert response.status_code == 302 and response.url == reverse("imports:detail", args=[record.uuid])
    assert record.status == Import.Status.VOORBEELD
    assert record.bestand.name == f"imports/{record.uuid}.upload"
    page = client.get(response.url).content.decode()
    assert "Voorbeeld klaar" in page and "Kopregel gevonden in rij 3" in page
    assert Kandidaat.objects.count() == 0
    response = client.post(reverse("imports:bevestigen", args=[record.uuid]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == Import.Status.TOEGEPAST
    assert not record.bestand  # deleted after apply
    assert Kandidaat.objects.count() == 2
    page = client.get(reverse("imports:detail", args=[record.uuid])).content.decode()
    assert "Toegepast: 2 nieuw" in page
    assert AuditEvent.objects.filter(actie=AuditEvent.Actie.IMPORT).exists()
    history = client.get(reverse("imports:lijst")).content.decode()
    assert "kandidaten week 47.xlsx" in history


def test_row_errors_need_the_skip_checkbox(logged_in, beheerder, tmp_path):
    client = logged_in(beheerder)
    upload(client, kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1"), kandidaat_row("2", DGR="??")]))
    record = latest()
    page = client.get(reverse("imports:detail", args=[record.uuid])).content.decode()
    assert "Importeer de 1 geldige rijen en sla de 1 foute rijen over" in page
    response = client.post(reverse("imports:bevestigen", args=[record.uuid]))
    assert response.status_code == 400
    assert "Vink aan dat de foute rijen worden overgeslagen" in response.content.decode()
    assert Kandidaat.objects.count() == 0
    client.post(reverse("imports:bevestigen", args=[record.uuid]), {"overslaan": "on"})
    assert list(Kandidaat.objects.values_list("pers_nr", flat=True)) == ["1"]


def test_error_workbook_has_messages_and_original_values_and_is_audited(logged_in, beheerder, tmp_path):
    client = logged_in(beheerder)
    upload(client, kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1"), kandidaat_row("2", DGR="@SOM(A1)")]))
    record = latest()
    response = client.get(reverse("imports:fouten", args=[record.uuid]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.values)
    assert rows[0][:5] == ("Excel-rij", "Kolom", "Waarde", "Melding", "Bet. gemeente")
    assert rows[1][0] == 3 and rows[1][1] == "DGR" and rows[1][3] == "verwacht J of N"
    assert rows[1][2] == "'@SOM(A1)"  # formula-safe
    assert rows[1][5] == "2" or rows[1][5] == 2
    assert AuditEvent.objects.filter(actie=AuditEvent.Actie.EXPORT, aantal_rijen=1).exists()


def test_stale_preview_is_refused_and_offers_a_new_preview(logged_in, beheerder, tmp_path):
    client = logged_in(beheerder)
    upload(client, kandidaten_xlsx(tmp_path / "a.xlsx", [kandidaat_row("1")]))
    first = latest()
    upload(client, kandidaten_xlsx(tmp_path / "b.xlsx", [kandidaat_row("2", gemeente="Heerde")]))
    client.post(reverse("imports:bevestigen", args=[latest().uuid]))
    client.post(reverse("imports:bevestigen", args=[first.uuid]))
    first.refresh_from_db()
    assert first.status == Import.Status.GEWEIGERD
    assert "gewijzigd sinds dit voorbeeld" in first.melding
    page = client.get(reverse("imports:detail", args=[first.uuid])).content.decode()
    assert "Maak een nieuw voorbeeld" in page
    client.post(reverse("imports:opnieuw", args=[first.uuid]))
    first.refresh_from_db()
    assert first.status == Import.Status.VOORBEELD


def test_upload_over_the_size_limit_is_a_form_error(logged_in, beheerder, tmp_path, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    client = logged_in(beheerder)
    response = upload(client, kandidaten_xlsx(tmp_path / "groot.xlsx", [kandidaat_row("1")]))
    assert response.status_code == 200
    assert "groot.xlsx is groter dan 0 MB" in response.content.decode()
    assert not Import.objects.exists()


def test_renamed_xls_shows_the_one_sentence_error(logged_in, beheerder, tmp_path):
    client = logged_in(beheerder)
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    upload(client, path)
    page = client.get(reverse("imports:detail", args=[latest().uuid])).content.decode()
    assert "x.xlsx is met een wachtwoord beveiligd" in page
    assert 'role="alert"' in page


def test_confirm_by_get_is_not_allowed(logged_in, beheerder):
    client = logged_in(beheerder)
    assert client.get(reverse("imports:bevestigen", args=[uuid.uuid4()])).status_code == 405


def test_confirm_without_csrf_token_is_refused(beheerder, tmp_path, settings):
    client = Client(enforce_csrf_checks=True)
    client.force_login(beheerder)
    assert client.post(reverse("imports:bevestigen", args=[uuid.uuid4()])).status_code == 403


def test_progress_fragment_polls_while_busy_and_never_writes_the_session(logged_in, beheerder):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    record = Import.objects.create(bestandsnaam="groot.xlsx", status=Import.Status.BEZIG, rijen_gelezen=40000)
    client = logged_in(beheerder)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("imports:detail", args=[record.uuid]), headers={"HX-Request": "true"})
    assert [query for query in queries if not query["sql"].startswith("SELECT")] == []
    content = response.content.decode()
    assert "40000 rijen gelezen" in content
    assert 'hx-trigger="every 2s"' in content
    assert "<html" not in content


def test_progress_of_an_import_that_applies_shows_outside_its_transaction(logged_in, beheerder, monkeypatch,
                                                                           tmp_path):
    import kandidaten.importing as importing
    from kandidaten.importing import pipeline

    seen_while_applying = []
    write_plans = pipeline.write_plans

    def observing_write_plans(plans, store, record, context):
        # The rows were read while planning, outside the write transaction: the page shows them.
        client = logged_in(beheerder)
        fragment = client.get(reverse("imports:detail", args=[record.uuid]), headers={"HX-Request": "true"})
        seen_while_applying.append("3 rijen gelezen" in fragment.content.decode())
        return write_plans(plans, store, record, context)

    monkeypatch.setattr(pipeline, "write_plans", observing_write_plans)
    path = kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1"), kandidaat_row("2"), kandidaat_row("3")])
    record = Import.objects.create(bestandsnaam="k.xlsx", status=Import.Status.TOEPASSEN)
    outcome = importing.import_file(path, original_name="k.xlsx", import_record=record)
    assert outcome.status == "applied"
    assert seen_while_applying == [True]

"""The import pages: upload → preview → confirm → result, history, error workbook, permissions."""

import datetime
import io
import uuid

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kandidaten.models import AuditEvent, Import, Kandidaat

from .files import kandidaat_row, kandidaten_xlsx
from .web import files_of, latest, page, upload

pytestmark = pytest.mark.django_db


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

    record = Import.objects.create(bestandsnaam="groot.xlsx", status=Import.Status.BEZIG, rijen_gelezen=40000,
                                   gebruiker=beheerder)
    record.geef_hartslag()  # its worker is alive
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
        seen_while_applying.append("3 rijen verwerkt" in fragment.content.decode())
        return write_plans(plans, store, record, context)

    monkeypatch.setattr(pipeline, "write_plans", observing_write_plans)
    path = kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1"), kandidaat_row("2"), kandidaat_row("3")])
    record = Import.objects.create(bestandsnaam="k.xlsx", status=Import.Status.TOEPASSEN, gebruiker=beheerder)
    record.geef_hartslag()  # as the worker that runs it does
    outcome = importing.import_file(path, original_name="k.xlsx", import_record=record)
    assert outcome.status == "applied"
    assert seen_while_applying == [True]


def test_cancel_deletes_the_files_and_keeps_the_row(logged_in, beheerder, tmp_path):
    client = logged_in(beheerder)
    upload(client, kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1"), kandidaat_row("2", DGR="??")]))
    record = latest()
    assert files_of(record) == [f"{record.uuid}.fouten.json", f"{record.uuid}.upload"]
    assert "Import annuleren en bestand verwijderen" in page(client, "detail", record)
    response = client.post(reverse("imports:annuleren", args=[record.uuid]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == Import.Status.GEANNULEERD
    assert files_of(record) == [] and not record.bestand
    assert record.bestand_sha256 and record.voorbeeld["sheets"][0]["rows"] == 2  # hash and summary stay
    assert "Geannuleerd door beheer" in record.melding
    client.post(reverse("imports:bevestigen", args=[record.uuid]), {"overslaan": "on"})
    assert Kandidaat.objects.count() == 0
    assert client.get(reverse("imports:fouten", args=[record.uuid])).status_code == 404
    assert "Geannuleerd" in page(client, "detail", record)


def test_applying_deletes_the_upload_and_the_error_file_but_keeps_hash_and_summary(logged_in, beheerder, tmp_path):
    client = logged_in(beheerder)
    upload(client, kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1"), kandidaat_row("2", DGR="??")]))
    record = latest()
    detail = page(client, "detail", record)
    assert "Download hem vóór u bevestigt" in detail  # the error workbook goes with the apply
    client.post(reverse("imports:bevestigen", args=[record.uuid]), {"overslaan": "on"})
    record.refresh_from_db()
    assert record.status == Import.Status.TOEGEPAST
    assert files_of(record) == []
    assert record.bestand_sha256 and record.voorbeeld["sheets"][0]["error_rows"] == 1
    detail = page(client, "detail", record)
    assert "1 foute rij is overgeslagen" in detail and "Download alle fouten" not in detail


def test_a_failed_apply_deletes_the_files_and_says_nothing_changed(logged_in, beheerder, tmp_path, monkeypatch):
    from kandidaten.importing import pipeline

    def broken_write(*args):
        raise OSError("schijf vol: /srv/kandidaten/media/imports/x.upload")

    client = logged_in(beheerder)
    upload(client, kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")]))
    record = latest()
    monkeypatch.setattr(pipeline, "write_plans", broken_write)
    client.post(reverse("imports:bevestigen", args=[record.uuid]))
    record.refresh_from_db()
    assert record.status == Import.Status.MISLUKT and files_of(record) == []
    detail = page(client, "detail", record)
    assert "Er is niets gewijzigd en het bestand is verwijderd" in detail
    assert "/srv/kandidaten" not in detail  # the failure's text without the server's folders
    assert Kandidaat.objects.count() == 0


def test_an_unreadable_file_is_deleted_after_its_preview(logged_in, beheerder, tmp_path):
    client = logged_in(beheerder)
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"%PDF-1.4 een pdf met een andere naam" + b"\0" * 200)
    upload(client, path)
    record = latest()
    assert record.status == Import.Status.GEWEIGERD and files_of(record) == []
    assert "upload het opnieuw" in page(client, "detail", record)


def uploaded_31_minutes_ago(client, path):
    upload(client, path)
    record = latest()
    Import.objects.filter(pk=record.pk).update(aangemaakt=timezone.now() - datetime.timedelta(minutes=31))
    return record


def test_a_preview_the_data_moved_on_from_says_so_before_confirming_and_offers_a_new_one(logged_in, beheerder,
                                                                                        tmp_path):
    client = logged_in(beheerder)
    upload(client, kandidaten_xlsx(tmp_path / "a.xlsx", [kandidaat_row("1")]))
    first = latest()
    assert "gewijzigd sinds dit voorbeeld" not in page(client, "detail", first)
    upload(client, kandidaten_xlsx(tmp_path / "b.xlsx", [kandidaat_row("2", gemeente="Heerde")]))
    client.post(reverse("imports:bevestigen", args=[latest().uuid]))  # another import changes the data

    detail = page(client, "detail", first)
    assert "gewijzigd sinds dit voorbeeld" in detail and "Maak een nieuw voorbeeld" in detail
    assert reverse("imports:bevestigen", args=[first.uuid]) not in detail  # no confirm form to be refused
    client.post(reverse("imports:opnieuw", args=[first.uuid]))
    first.refresh_from_db()
    assert first.status == Import.Status.VOORBEELD
    assert "gewijzigd sinds dit voorbeeld" not in page(client, "detail", first)
    client.post(reverse("imports:bevestigen", args=[first.uuid]))
    first.refresh_from_db()
    assert first.status == Import.Status.TOEGEPAST
    assert Kandidaat.objects.filter(pers_nr="1").exists()


def test_a_preview_confirmed_31_minutes_after_upload_applies_when_the_data_did_not_change(logged_in, beheerder,
                                                                                        tmp_path):
    client = logged_in(beheerder)
    record = uploaded_31_minutes_ago(client, kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")]))
    detail = page(client, "detail", record)
    assert "Afgebroken" not in detail and "wacht 31\xa0minuten op uw bevestiging" in detail
    client.post(reverse("imports:bevestigen", args=[record.uuid]))
    record.refresh_from_db()
    assert record.status == Import.Status.TOEGEPAST
    assert Kandidaat.objects.filter(pers_nr="1").exists()


def test_a_preview_confirmed_31_minutes_after_upload_is_refused_when_the_data_changed(logged_in, beheerder,
                                                                                    tmp_path):
    client = logged_in(beheerder)
    late = uploaded_31_minutes_ago(client, kandidaten_xlsx(tmp_path / "a.xlsx", [kandidaat_row("1")]))
    upload(client, kandidaten_xlsx(tmp_path / "b.xlsx", [kandidaat_row("2", gemeente="Heerde")]))
    client.post(reverse("imports:bevestigen", args=[latest().uuid]))
    client.post(reverse("imports:bevestigen", args=[late.uuid]))
    late.refresh_from_db()
    assert late.status == Import.Status.GEWEIGERD and "gewijzigd sinds dit voorbeeld" in late.melding
    assert not Kandidaat.objects.filter(pers_nr="1").exists()
    assert late.heeft_bestand  # kept for a new preview, or a cancel


def test_mass_gone_needs_the_number_typed_and_a_wrong_number_says_what_to_type(logged_in, beheerder, tmp_path):
    client = logged_in(beheerder)
    rows = [kandidaat_row(str(n)) for n in range(1, 5)]
    upload(client, kandidaten_xlsx(tmp_path / "alle.xlsx", rows))
    client.post(reverse("imports:bevestigen", args=[latest().uuid]))
    # A partial file: 1 of the 4 clients of Epe. With title rows and the number stored as a number.
    upload(client, kandidaten_xlsx(tmp_path / "deel.xlsx", [kandidaat_row(1)], title_rows=2))
    record = latest()
    detail = page(client, "detail", record)
    assert "Typ 3 om te bevestigen" in detail and "3 van de 4 kandidaten" in detail
    response = client.post(reverse("imports:bevestigen", args=[record.uuid]), {"verdwenen": "4"})
    assert response.status_code == 400
    assert "Typ 3 om te bevestigen dat er 3 als" in response.content.decode()
    response = client.post(reverse("imports:bevestigen", args=[record.uuid]), {"verdwenen": ""})
    assert response.status_code == 400
    assert Kandidaat.objects.in_bron().count() == 4
    client.post(reverse("imports:bevestigen", args=[record.uuid]), {"verdwenen": " 3 "})
    record.refresh_from_db()
    assert record.status == Import.Status.TOEGEPAST
    assert Kandidaat.objects.in_bron().count() == 1


def test_no_server_path_on_any_import_page(logged_in, beheerder, tmp_path, settings):
    from django.core.management import call_command

    from tests.factories import make_user

    folder = tmp_path / "geheime map"
    folder.mkdir()
    path = kandidaten_xlsx(folder / "kandidaten.xlsx", [kandidaat_row("1"), kandidaat_row("2", DGR="??")])
    with pytest.raises(SystemExit):  # exit code 1: the preview has a row error
        call_command("importeer", str(path), "--dry-run", stdout=io.StringIO())
    cli_record = latest()
    cli_record.gemeenten.set(beheerder.gemeenten.all())
    superuser = make_user("super", is_superuser=True)
    superuser.is_staff = True
    superuser.save()
    client = logged_in(superuser)
    upload(client, kandidaten_xlsx(tmp_path / "web.xlsx", [kandidaat_row("3")]))
    pages = [client.get(reverse("imports:lijst")).content.decode(),
             client.get(reverse("admin:kandidaten_import_changelist")).content.decode()]
    for record in (cli_record, latest()):
        pages += [page(client, "detail", record),
                  client.get(reverse("admin:kandidaten_import_change", args=[record.pk])).content.decode()]
    assert cli_record.bestandsnaam == "kandidaten.xlsx"
    for content in pages:
        assert str(tmp_path) not in content and "geheime map" not in content
        assert str(settings.MEDIA_ROOT) not in content and ".upload" not in content

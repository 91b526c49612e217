"""Every way a file can be unreadable or hostile ends in one Dutch sentence and changes nothing."""

import zipfile

import openpyxl
import pytest

from kandidaten.importing import import_file
from kandidaten.importing.errors import UnreadableFile
from kandidaten.importing.read import read_file
from kandidaten.models import Import, Kandidaat

from .files import KANDIDAAT_HEADER, csv_file, kandidaat_row, kandidaten_xlsx, lying_dimension, rewrite_xlsx, zip_bomb

pytestmark = pytest.mark.django_db


def refused(path, name=None):
    outcome = import_file(path, original_name=name or path.name)
    assert outcome.status == "refused"
    assert outcome.exit_code == 2
    assert Kandidaat.objects.count() == 0
    assert outcome.import_record.status == Import.Status.GEWEIGERD
    return outcome.message


def test_empty_file_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "leeg.xlsx"
    path.write_bytes(b"")
    assert refused(path) == "leeg.xlsx is leeg: exporteer het bestand opnieuw."


def test_legacy_xls_renamed_to_xlsx_is_named_as_such(tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    assert "met een wachtwoord beveiligd" in refused(path)
    path = tmp_path / "export.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    assert "oud Excel-bestand (.xls)" in refused(path)


def test_html_saved_as_xls_is_named_a_web_page(tmp_path):
    path = tmp_path / "rapport.xls"
    path.write_text("<html><body><table><tr><td>Pers. nr.</td></tr></table></body></html>")
    assert "webpagina" in refused(path)


def test_csv_renamed_to_xlsx_is_named_text(tmp_path):
    path = csv_file(tmp_path / "kandidaten.xlsx", [KANDIDAAT_HEADER, kandidaat_row("1")])
    assert "geen echt Excel-bestand maar tekst" in refused(path)


def test_ods_is_refused_with_advice(tmp_path):
    path = tmp_path / "k.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    assert ".ods" in refused(path)


def test_corrupt_xlsx_is_refused(tmp_path):
    good = kandidaten_xlsx(tmp_path / "goed.xlsx", [kandidaat_row("1")])
    path = tmp_path / "kapot.xlsx"
    path.write_bytes(good.read_bytes()[:1500])
    assert "beschadigd" in refused(path)


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    path = csv_file(tmp_path / "groot.csv", [KANDIDAAT_HEADER] + [kandidaat_row(str(i)) for i in range(100)])
    assert "groter dan" in refused(path)


def test_zip_bomb_is_refused_before_parsing(tmp_path, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    message = refused(zip_bomb(tmp_path / "bom.xlsx"))
    assert "zip-bom" in message


def test_billion_laughs_is_refused(tmp_path):
    good = kandidaten_xlsx(tmp_path / "goed.xlsx", [kandidaat_row("1")])
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    )

    def transform(name, data):
        if name == "xl/workbook.xml":
            return laughs + data.split(b"?>", 1)[-1]
        return data

    message = refused(rewrite_xlsx(good, tmp_path / "lol.xlsx", transform))
    assert "entiteiten" in message


def test_xxe_in_a_sheet_is_refused(tmp_path):
    good = kandidaten_xlsx(tmp_path / "goed.xlsx", [kandidaat_row("1")])

    def transform(name, data):
        if name.startswith("xl/worksheets/"):
            return b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + data.split(b"?>", 1)[-1]
        return data

    assert "entiteiten" in refused(rewrite_xlsx(good, tmp_path / "xxe.xlsx", transform))


def test_lying_dimension_is_still_read_whole(tmp_path):
    good = kandidaten_xlsx(tmp_path / "goed.xlsx", [kandidaat_row(str(i)) for i in range(1, 301)])
    path = lying_dimension(good, tmp_path / "liegt.xlsx")
    outcome = import_file(path, original_name="liegt.xlsx", dry_run=True)
    assert outcome.sheets[0]["rows"] == 300


def test_encrypted_ooxml_package_is_refused(tmp_path):
    path = tmp_path / "geheim.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("EncryptedPackage", b"\0" * 100)
        archive.writestr("EncryptionInfo", b"\0" * 100)
    assert "Excel-werkmap" in refused(path)


def test_header_only_sheet_is_never_success(tmp_path):
    path = kandidaten_xlsx(tmp_path / "kop.xlsx", [])
    outcome = import_file(path, original_name="kop.xlsx")
    assert outcome.status == "refused"
    assert "geen gegevensrijen" in outcome.message


def test_workbook_without_any_export_sheet_is_refused(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Wat", "Anders"])
    workbook.save(tmp_path / "anders.xlsx")
    assert "geen blad herkend" in refused(tmp_path / "anders.xlsx")


def test_user_file_name_is_never_used_as_a_path(tmp_path):
    path = kandidaten_xlsx(tmp_path / "upload.bin", [kandidaat_row("1")])
    outcome = import_file(path, original_name="../../etc/passwd.xlsx", dry_run=True)
    assert outcome.import_record.bestandsnaam == "passwd.xlsx"  # the name, never a folder (Import.save)
    assert outcome.sheets[0]["new"] == 1


def test_read_file_raises_unreadable_for_utf16_csv(tmp_path):
    path = tmp_path / "unicode.csv"
    path.write_bytes("Pers. nr.;Naam\r\n".encode("utf-16"))
    with pytest.raises(UnreadableFile, match="UTF-16"):
        read_file(path, "unicode.csv")

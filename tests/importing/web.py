"""Helpers for the tests of the import pages and tasks: uploads through the page, previews built by hand."""

import datetime
import os

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kandidaten.importing import data_version
from kandidaten.models import Import


def upload(client, path, name=None):
    with open(path, "rb") as handle:
        data = SimpleUploadedFile(name or path.name, handle.read())
    return client.post(reverse("imports:nieuw"), {"bestand": data, "soort": ""})


def latest():
    return Import.objects.latest("aangemaakt")


def page(client, name, record):
    return client.get(reverse(f"imports:{name}", args=[record.uuid])).content.decode()


def sheet(export_type="kandidaten", rows=10, gone=0, existing=10, **extra):
    """A typed sheet summary as the pipeline stores it in Import.voorbeeld["sheets"]."""
    summary = {
        "sheet": "Blad1", "type": export_type, "rows": rows, "new": 0, "changed": 0, "unchanged": rows,
        "gone": gone, "existing": existing, "errors": 0, "error_rows": 0, "warnings": [], "sheet_errors": [],
        "unknown_columns": [], "ignored": "", "header_row": 1, "field_changes": [], "first_errors": [],
        "gone_confirm": gone * 10 > existing,  # the pipeline's rule: more than 10% of the type's records in scope
    }
    return {**summary, **extra}


def preview_record(user, sheets, gemeenten=None, **voorbeeld):
    """An import whose preview is ready, with an upload on disk, as the preview task leaves it."""
    record = Import(
        gebruiker=user, gebruikersnaam=getattr(user, "username", "(systeem)"), bestandsnaam="kandidaten.xlsx",
        status=Import.Status.VOORBEELD, voorbeeld={"sheets": sheets, **voorbeeld}, data_versie=data_version(),
        melding="Voorbeeld: 0 nieuw.",
    )
    record.bestand.save("upload", ContentFile(b"PK placeholder"), save=False)
    record.save()
    record.gemeenten.set(user.gemeenten.all() if gemeenten is None else gemeenten)
    return record


def files_of(record):
    return sorted(path.name for path in record.bijbestand("x").parent.glob(f"{record.uuid}.*"))


def stop_beating(record, minutes_ago=5):
    """The heartbeat file as a worker leaves it when it dies: last touched `minutes_ago`."""
    record.geef_hartslag()
    then = (timezone.now() - datetime.timedelta(minutes=minutes_ago)).timestamp()
    os.utime(record.hartslag_path(), (then, then))

"""Import pages (Functioneel beheer): upload → preview → confirm or cancel → result, history, error workbook.

Thin shells: the slow steps run as tasks (kandidaten.importing.background) and the page reports their
progress. Every page is scoped (kandidaten.scoping.imports_voor): an import out of scope is a 404.
"""

import datetime
import hashlib
import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kandidaten.fields import DatumVeld
from kandidaten.importing import TYPES, background, data_version, errors_path, mass_gone
from kandidaten.importing.errorbook import load_errors, write_errorbook
from kandidaten.importing.pipeline import STALE
from kandidaten.models import AuditEvent, Import
from kandidaten.models.imports import WACHTRIJ_TRAAG_NA
from kandidaten.scoping import import_geheel_in_scope, imports_voor

BEHEER = "kandidaten.add_import"
ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")
# A preview older than this says how long it has been waiting: unconfirmed previews pile up otherwise.
VOORBEELD_OUD_NA = datetime.timedelta(minutes=10)
STAND_BRON = {
    "opgegeven": "zoals opgegeven bij de import",
    "bestand": "uit de titelregels van het bestand",
    "importdag": "de dag van de import: het bestand noemt geen datum",
}


class UploadForm(forms.Form):
    bestand = forms.FileField(
        label="Exportbestand",
        help_text="Excel (.xlsx) of CSV met de kolommen van een export van kandidaten, trajecten, modules of "
                  "plaatsingen.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_SUFFIXES)}),
    )
    soort = forms.ChoiceField(
        label="Soort export",
        choices=[("", "Automatisch herkennen")] + [(name, t.label.capitalize()) for name, t in TYPES.items()],
        required=False,
    )

    def clean_bestand(self):
        upload = self.cleaned_data["bestand"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"{upload.name} is groter dan {limit // (1024 * 1024)} MB: splits het bestand of vraag beheer "
                "de grens te verhogen."
            )
        return upload


class ConfirmForm(forms.Form):
    """Confirming a preview: skip the invalid rows, type the number of records that go, the stand."""

    overslaan = forms.BooleanField(required=False)
    verdwenen = forms.CharField(required=False, max_length=20)
    stand = DatumVeld(required=False, input_formats=["%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"],
                      error_messages={"invalid": "Vul de stand in als dd-mm-jjjj, bijvoorbeeld 30-06-2025."})

    def __init__(self, *args, error_rows=0, gone_total=0, stand=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.gone_total, self.stand_found = gone_total, stand
        self.fields["overslaan"].required = bool(error_rows)
        self.fields["overslaan"].error_messages["required"] = (
            "Vink aan dat de foute rijen worden overgeslagen, of verbeter het bestand."
        )

    def clean_verdwenen(self):
        typed = re.sub(r"[\s.]", "", self.cleaned_data["verdwenen"])  # "4.357" and " 4357 " are 4357 too
        if self.gone_total and typed != str(self.gone_total):
            raise forms.ValidationError(
                f"Typ {self.gone_total} om te bevestigen dat er {self.gone_total} als 'niet meer in de bron' worden "
                "gemarkeerd; klopt dat niet, annuleer dan deze import."
            )
        return typed

    def clean_stand(self):
        stand = self.cleaned_data["stand"]
        # An emptied field is a mistake; a form without the field (a confirm from elsewhere) keeps the preview's.
        if self.stand_found and stand is None and "stand" in self.data:
            raise forms.ValidationError("Vul de stand in als dd-mm-jjjj, bijvoorbeeld 30-06-2025.")
        return stand

    def gewijzigde_stand(self):
        """The stand the user typed, if it differs from the one the preview found (else the import keeps it)."""
        stand = self.cleaned_data.get("stand")
        return stand if self.stand_found and stand != self.stand_found else None


@permission_required(BEHEER, raise_exception=True)
def lijst(request):
    records = imports_voor(request.user, Import.objects.select_related("gebruiker"))
    page = Paginator(records, 50).get_page(request.GET.get("pagina"))
    for record in page:
        background.sluit_als_gestopt(record)
    return render(request, "kandidaten/imports/lijst.html", {"page": page, "rows": [_row(i) for i in page]})


@permission_required(BEHEER, raise_exception=True)
def nieuw(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record = _bewaar_upload(request.user, form.cleaned_data["bestand"], form.cleaned_data["soort"])
        background.start_voorbeeld(record)
        return redirect("imports:detail", uuid=record.uuid)
    return render(request, "kandidaten/imports/nieuw.html", {"form": form, "types": TYPES.values()})


def _bewaar_upload(user, upload, soort):
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    record = Import(
        gebruiker=user,
        gebruikersnaam=user.username,
        bestandsnaam=upload.name[:255],
        bestand_sha256=digest.hexdigest(),
        bestand_grootte=upload.size,
        status=Import.Status.GEUPLOAD,
        voorbeeld={"soort": soort} if soort else {},
    )
    record.bestand.save("upload", upload, save=False)  # upload_to names it imports/<uuid>.upload
    record.save()
    record.gemeenten.set(user.gemeenten.all())  # until the preview knows the file's own gemeenten
    return record


@permission_required(BEHEER, raise_exception=True)
def detail(request, uuid):
    record = _in_scope(request, uuid)
    background.sluit_als_gestopt(record)
    template = "kandidaten/imports/detail.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#inhoud"
        # The page polls every 2 s while an import runs: that keeps no one logged in, and writes nothing
        # (a write would wait for the running import's lock on SQLite).
        request.verleng_sessie = False
    return render(request, template, _detail_context(request, record))


@require_POST
@permission_required(BEHEER, raise_exception=True)
def bevestigen(request, uuid):
    record = _in_scope(request, uuid, acting=True)
    if record.status != Import.Status.VOORBEELD or not record.heeft_bestand:
        messages.warning(request, "Deze import kan niet (meer) worden bevestigd.")
        return redirect("imports:detail", uuid=record.uuid)
    context = _detail_context(request, record)
    form = ConfirmForm(request.POST, **_confirm_form_options(context))
    if not form.is_valid():
        context["confirm_form"] = form
        return render(request, "kandidaten/imports/detail.html", context, status=400)
    started = background.start_toepassen(
        record, overslaan=form.cleaned_data["overslaan"], verdwenen_bevestigd=bool(context["gone_total"]),
        stand=form.gewijzigde_stand(),
    )
    if not started:
        messages.warning(request, "Deze import is intussen al bevestigd of geannuleerd.")
    return redirect("imports:detail", uuid=record.uuid)


@require_POST
@permission_required(BEHEER, raise_exception=True)
def annuleren(request, uuid):
    record = _in_scope(request, uuid, acting=True)
    if background.annuleer(record, request.user):
        messages.success(request, "De import is geannuleerd; het bestand is verwijderd. Er is niets gewijzigd.")
    else:
        messages.warning(request, "Deze import kan niet (meer) worden geannuleerd.")
    return redirect("imports:detail", uuid=record.uuid)


@require_POST
@permission_required(BEHEER, raise_exception=True)
def opnieuw(request, uuid):
    record = _in_scope(request, uuid, acting=True)
    # A refused import, or a preview the data has moved on from since (another import, a correction).
    van = Import.Status.VOORBEELD if _verouderd(record) else Import.Status.GEWEIGERD
    if not record.heeft_bestand or not background.start_voorbeeld(record, van=van):
        messages.warning(request, "Van deze import is geen bestand meer om opnieuw te bekijken.")
    return redirect("imports:detail", uuid=record.uuid)


@permission_required(BEHEER, raise_exception=True)
def fouten(request, uuid):
    record = _in_scope(request, uuid, acting=True)
    payload = load_errors(errors_path(record))
    if not payload:
        raise Http404("Deze import heeft geen foutenbestand (meer).")
    spool, count = write_errorbook(payload)
    AuditEvent.record(request, AuditEvent.Actie.EXPORT, f"Foutenbestand import {record.bestandsnaam}",
                      aantal_rijen=count, gemeenten=record.gemeenten.all())
    filename = f"fouten-import-{timezone.localtime(record.aangemaakt):%Y-%m-%d-%H%M}.xlsx"
    return FileResponse(spool, as_attachment=True, filename=filename,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _in_scope(request, uuid, *, acting=False):
    """The import, if the user may see it (and, `acting`, act on it and see its rows); else 404."""
    record = get_object_or_404(imports_voor(request.user, Import.objects.select_related("gebruiker")), uuid=uuid)
    if acting and not import_geheel_in_scope(request.user, record):
        raise Http404("Deze import betreft ook gemeenten buiten uw gemeenten.")
    return record


def _detail_context(request, record):
    sheets = record.voorbeeld.get("sheets", [])
    typed = [sheet for sheet in sheets if sheet.get("type")]
    error_rows = sum(sheet.get("error_rows", 0) for sheet in typed)
    gone_sheets = mass_gone(typed)
    return {
        "record": record,
        "typed_sheets": typed,
        "ignored_sheets": [sheet for sheet in sheets if not sheet.get("type")],
        "error_rows": error_rows,
        "valid_rows": sum(sheet.get("rows", 0) for sheet in typed) - error_rows,
        "gone_sheets": [_gone_sheet(sheet) for sheet in gone_sheets],
        "gone_total": sum(sheet["gone"] for sheet in gone_sheets),
        "sheet_errors": [error for sheet in typed for error in sheet.get("sheet_errors", [])],
        "busy": record.status in Import.LOPEND + Import.WACHTEND,
        "wachtrij_traag": _wachtrij_traag(record),
        "wacht_op_bevestiging": _wacht_op_bevestiging(record),
        "geheel_in_scope": import_geheel_in_scope(request.user, record),
        "has_errorbook": errors_path(record).exists(),
        "has_file": record.heeft_bestand,
        "stand": _stand(record),
        "confirm_form": None,
        "verouderd": STALE if _verouderd(record) else "",
        "kan_annuleren": background.KAN_ANNULEREN,
        "oob_status": bool(request.htmx) and not request.htmx.history_restore_request,
    }


def _verouderd(record):
    """A preview made before the data last changed: confirming it would be refused, so a new one is offered."""
    if record.status != Import.Status.VOORBEELD or not record.data_versie:
        return False
    return record.data_versie != data_version()


def _confirm_form_options(context):
    stand = context["stand"]
    return {"error_rows": context["error_rows"], "gone_total": context["gone_total"],
            "stand": stand["datum"] if stand else None}


def _gone_sheet(sheet):
    export_type = TYPES[sheet["type"]]
    key_header = next(column.header for column in export_type.columns if column.field == export_type.id_field)
    return {**sheet, "label": export_type.label, "key_header": key_header, "is_item": export_type.is_item,
            "sample": sheet.get("gone_sample", [])}


def _stand(record):
    """The date the export describes, as the pipeline found it (`stand`, `stand_bron` in the preview)."""
    iso = record.voorbeeld.get("stand")
    if not iso:
        return None
    return {"datum": datetime.date.fromisoformat(iso),
            "bron": STAND_BRON.get(record.voorbeeld.get("stand_bron"), "")}


def _wachtrij_traag(record):
    since = record.wachtrij_sinds or record.aangemaakt
    return record.status in Import.WACHTEND and timezone.now() - since > WACHTRIJ_TRAAG_NA


def _wacht_op_bevestiging(record):
    """A preview that has been waiting for confirmation longer than VOORBEELD_OUD_NA."""
    return record.status == Import.Status.VOORBEELD and timezone.now() - record.aangemaakt > VOORBEELD_OUD_NA


def _row(record):
    sheets = [s for s in record.voorbeeld.get("sheets", []) if s.get("type")]
    return {
        "record": record,
        "new": sum(s["new"] for s in sheets),
        "changed": sum(s["changed"] for s in sheets),
        "gone": sum(s["gone"] for s in sheets),
        "rows": sum(s["rows"] for s in sheets),
        "wacht": _wacht_op_bevestiging(record),
    }

"""Import pages (Functioneel beheer): upload → preview → confirm → result, history, error workbook.

Thin shells around kandidaten.importing.import_file; the slow steps run through
importing.background and report progress from the Import row.
"""

import hashlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kandidaten.importing import TYPES, background, errors_path, import_file, mass_gone
from kandidaten.importing.errorbook import load_errors, write_errorbook
from kandidaten.models import AuditEvent, Import
from kandidaten.models.imports import STALE_AFTER

BEHEER = "kandidaten.add_import"
ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")


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
    overslaan = forms.BooleanField(required=False)
    verdwenen = forms.BooleanField(required=False)

    def __init__(self, *args, error_rows=0, gone_sheets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["overslaan"].required = bool(error_rows)
        self.fields["verdwenen"].required = bool(gone_sheets)
        self.fields["overslaan"].error_messages["required"] = (
            "Vink aan dat de foute rijen worden overgeslagen, of verbeter het bestand."
        )
        self.fields["verdwenen"].error_messages["required"] = (
            "Vink aan dat u dit grote aantal 'niet meer in de bron' bevestigt."
        )


@permission_required(BEHEER, raise_exception=True)
def lijst(request):
    page = Paginator(Import.objects.select_related("gebruiker"), 50).get_page(request.GET.get("pagina"))
    return render(request, "kandidaten/imports/lijst.html", {"page": page, "rows": [_row(i) for i in page]})


@permission_required(BEHEER, raise_exception=True)
def nieuw(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["bestand"]
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        record = Import(
            gebruiker=request.user,
            gebruikersnaam=request.user.username,
            bestandsnaam=upload.name[:255],
            bestand_sha256=digest.hexdigest(),
            bestand_grootte=upload.size,
            status=Import.Status.BEZIG,
            voorbeeld={"soort": form.cleaned_data["soort"]} if form.cleaned_data["soort"] else {},
        )
        record.bestand.save("upload", upload, save=False)  # upload_to names it imports/<uuid>.upload
        record.save()
        background.run(preview, record.pk)
        return redirect("imports:detail", uuid=record.uuid)
    return render(request, "kandidaten/imports/nieuw.html", {"form": form, "types": TYPES.values()})


def preview(pk):
    record = Import.objects.get(pk=pk)
    import_file(
        record.bestand.path, user=record.gebruiker, original_name=record.bestandsnaam,
        export_type=record.voorbeeld.get("soort") or None, dry_run=True, import_record=record,
    )


def apply(pk, *, skip_invalid, confirm_mass_gone):
    record = Import.objects.get(pk=pk)
    outcome = import_file(
        record.bestand.path, user=record.gebruiker, original_name=record.bestandsnaam,
        export_type=record.voorbeeld.get("soort") or None, skip_invalid=skip_invalid,
        confirm_mass_gone=confirm_mass_gone, import_record=record, expected_version=record.data_versie,
    )
    record.refresh_from_db()
    if outcome.status == "applied":
        # Personal data is kept no longer than needed: the applied file goes, its hash and counts stay.
        record.bestand.delete(save=True)
    AuditEvent.record(record.gebruiker, AuditEvent.Actie.IMPORT, f"Import {record.bestandsnaam}: {record.melding}",
                      aantal_rijen=record.rijen_toegepast)


@permission_required(BEHEER, raise_exception=True)
def detail(request, uuid):
    record = get_object_or_404(Import, uuid=uuid)
    context = _detail_context(record)
    template = "kandidaten/imports/detail.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#inhoud"
        # The page polls every 2 s while an import runs: that keeps no one logged in, and writes nothing
        # (a write would wait for the running import's lock on SQLite).
        request.verleng_sessie = False
    return render(request, template, context)


@require_POST
@permission_required(BEHEER, raise_exception=True)
def bevestigen(request, uuid):
    record = get_object_or_404(Import, uuid=uuid)
    if record.status != Import.Status.VOORBEELD or not record.bestand:
        messages.warning(request, "Deze import kan niet (meer) worden bevestigd.")
        return redirect("imports:detail", uuid=record.uuid)
    context = _detail_context(record)
    form = ConfirmForm(request.POST, error_rows=context["error_rows"], gone_sheets=context["gone_sheets"])
    if not form.is_valid():
        context["confirm_form"] = form
        return render(request, "kandidaten/imports/detail.html", context, status=400)
    Import.objects.filter(pk=record.pk).update(status=Import.Status.TOEPASSEN, rijen_gelezen=0)
    background.run(apply, record.pk, skip_invalid=form.cleaned_data["overslaan"],
                   confirm_mass_gone=form.cleaned_data["verdwenen"])
    return redirect("imports:detail", uuid=record.uuid)


@require_POST
@permission_required(BEHEER, raise_exception=True)
def opnieuw(request, uuid):
    record = get_object_or_404(Import, uuid=uuid)
    if not record.bestand or record.status in (Import.Status.TOEGEPAST, Import.Status.ONGEWIJZIGD):
        messages.warning(request, "Van deze import is geen bestand meer om opnieuw te bekijken.")
        return redirect("imports:detail", uuid=record.uuid)
    Import.objects.filter(pk=record.pk).update(status=Import.Status.BEZIG, rijen_gelezen=0)
    background.run(preview, record.pk)
    return redirect("imports:detail", uuid=record.uuid)


@permission_required(BEHEER, raise_exception=True)
def fouten(request, uuid):
    record = get_object_or_404(Import, uuid=uuid)
    payload = load_errors(errors_path(record))
    if not payload:
        raise Http404("Deze import heeft geen foutenbestand.")
    spool, count = write_errorbook(payload)
    AuditEvent.record(request, AuditEvent.Actie.EXPORT, f"Foutenbestand import {record.bestandsnaam}",
                      aantal_rijen=count)
    filename = f"fouten-import-{timezone.localtime(record.aangemaakt):%Y-%m-%d-%H%M}.xlsx"
    return FileResponse(spool, as_attachment=True, filename=filename,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _detail_context(record):
    sheets = record.voorbeeld.get("sheets", [])
    typed = [sheet for sheet in sheets if sheet.get("type")]
    error_rows = sum(sheet.get("error_rows", 0) for sheet in typed)
    busy = record.status in (Import.Status.BEZIG, Import.Status.TOEPASSEN, Import.Status.GEUPLOAD)
    return {
        "record": record,
        "sheets": sheets,
        "typed_sheets": typed,
        "ignored_sheets": [sheet for sheet in sheets if not sheet.get("type")],
        "error_rows": error_rows,
        "valid_rows": sum(sheet.get("rows", 0) for sheet in typed) - error_rows,
        "gone_sheets": mass_gone(typed),
        "busy": busy,
        "stale": busy and timezone.now() - record.aangemaakt > STALE_AFTER,
        "has_errorbook": errors_path(record).exists(),
        "refused": record.status in (Import.Status.GEWEIGERD, Import.Status.MISLUKT),
        "confirm_form": None,
        "type_labels": {name: t.label for name, t in TYPES.items()},
    }


def _row(record):
    sheets = [s for s in record.voorbeeld.get("sheets", []) if s.get("type")]
    return {
        "record": record,
        "new": sum(s["new"] for s in sheets),
        "changed": sum(s["changed"] for s in sheets),
        "gone": sum(s["gone"] for s in sheets),
        "rows": sum(s["rows"] for s in sheets),
    }

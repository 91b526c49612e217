"""Stand: the date an export describes, which the transparency report files the import under.

Given (`--stand`, the date edited in the preview) it wins; else a date in the title rows above the header
("Peildatum: 30-06-2025", "Stand per 30 juni 2025", a date cell beside a "Peildatum" label…); else the
import day. A labelled date wins over an unlabelled one ("Export 01-07-2025, peildatum 30-06-2025"); of
unlabelled dates the latest ("Periode 01-01-2025 t/m 30-06-2025"). Dates after the import day are no stand.
"""

import datetime
import re

from django.utils import timezone

from kandidaten.models import Import

from .errors import CellError
from .normalise import date as normalised_date
from .types import TYPES

GIVEN, FILE, IMPORT_DAY = "opgegeven", "bestand", "importdag"

_MONTHS = {
    "jan": 1, "januari": 1, "feb": 2, "februari": 2, "mrt": 3, "maart": 3, "apr": 4, "april": 4, "mei": 5,
    "jun": 6, "juni": 6, "jul": 7, "juli": 7, "aug": 8, "augustus": 8, "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oct": 10, "oktober": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_IN_TEXT = re.compile(
    r"(?<!\d)(?:(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})"
    r"|(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
    rf"|(?P<wd>\d{{1,2}})\s+(?P<wm>{_MONTH_NAMES})\.?\s+(?P<wy>\d{{4}}))(?!\d)",
    re.IGNORECASE,
)
_LABEL = re.compile(r"\b(?:peil\s*datum|stand(?:\s*datum)?|per)\b", re.IGNORECASE)
_EARLIEST = datetime.date(1990, 1, 1)


def _dates_in_text(text):
    for found in _DATE_IN_TEXT.finditer(text):
        if found["d"]:
            parts = found["y"], found["m"], found["d"]
        elif found["iy"]:
            parts = found["iy"], found["im"], found["id"]
        else:
            parts = found["wy"], _MONTHS[found["wm"].casefold()], found["wd"]
        try:
            yield found.start(), datetime.date(*map(int, parts))
        except ValueError:
            continue


def _candidates(row):
    """(labelled, date) for each date in a title row."""
    labelled = False  # a label cell to the left labels what follows it
    for cell in row:
        if isinstance(cell, str):
            for start, found in _dates_in_text(cell):
                yield labelled or bool(_LABEL.search(cell[:start])), found
            labelled = labelled or bool(_LABEL.search(cell))
        elif isinstance(cell, (datetime.date, datetime.datetime)) or (
                isinstance(cell, (int, float)) and not isinstance(cell, bool) and labelled):
            try:  # a real date cell, or a serial number beside a label
                yield labelled, normalised_date(cell)
            except CellError:
                continue


def stand_in_title(title_rows, today):
    """The stand a sheet's title rows give, or None; also the dates passed over for lying in the future."""
    found = [(labelled, day) for row in title_rows for labelled, day in _candidates(row) if day and day >= _EARLIEST]
    usable = [(labelled, day) for labelled, day in found if day <= today]
    future = sorted({day for _labelled, day in found if day > today})
    labelled = [day for is_labelled, day in usable if is_labelled]
    if labelled:
        return labelled[0], future
    return max((day for _labelled, day in usable), default=None), future


def parse_given(value):
    """A stand given as a date or as text (JJJJ-MM-DD or dd-mm-jjjj); CellError when it is none."""
    if value is None or isinstance(value, datetime.date):
        return value.date() if isinstance(value, datetime.datetime) else value
    return normalised_date(str(value).strip())


def _set(record, day, source):
    record.stand = day
    record.voorbeeld = {**record.voorbeeld, "stand": day.isoformat(), "stand_bron": source}


def take_given(record, given):
    """The stand given (argument, or already on the record); the import day until the file says otherwise.

    Returns a refusal message for a stand that is no date or lies after the import day, else ""."""
    today = timezone.localdate()
    try:
        given = parse_given(given)
    except CellError as problem:
        return f"De opgegeven stand is geen geldige datum ({problem}): gebruik JJJJ-MM-DD."
    if given is None and record.stand:  # set before (the preview, or whoever made the record) and kept
        given_before = record.voorbeeld.get("stand") == record.stand.isoformat()
        _set(record, record.stand, record.voorbeeld.get("stand_bron", GIVEN) if given_before else GIVEN)
    elif given is not None:
        _set(record, given, GIVEN)
    else:
        _set(record, today, IMPORT_DAY)
    if record.stand > today:
        return f"De stand {record.stand:%d-%m-%Y} ligt na vandaag: geef de datum waarop de export de stand beschrijft."
    return ""


def take_from_file(record, layouts):
    """A date in the title rows of the first sheet that has one, unless a stand was given."""
    if record.voorbeeld["stand_bron"] != IMPORT_DAY:
        return
    for _raw, layout in layouts:
        if layout.title_stand:
            _set(record, layout.title_stand, FILE)
            return


def add_warnings(record, summaries):
    """Warn on a sheet whose stand lies before that of an applied import of the same type and gemeenten."""
    later = list(Import.objects.filter(status__in=[Import.Status.TOEGEPAST, Import.Status.ONGEWIJZIGD],
                                       stand__gt=record.stand).exclude(pk=record.pk).order_by("-stand"))
    for summary in summaries:
        if not summary["type"]:
            continue
        gemeenten = set(summary.get("gemeenten", ()))
        for other in later:
            if any(sheet.get("type") == summary["type"] and gemeenten & set(sheet.get("gemeenten", gemeenten))
                   for sheet in other.voorbeeld.get("sheets", [])):
                summary["warnings"].append(
                    f"De stand van dit bestand ({record.stand:%d-%m-%Y}) ligt vóór die van een eerder toegepaste "
                    f"import van {TYPES[summary['type']].label} voor dezelfde gemeenten ({other.stand:%d-%m-%Y}, "
                    f"{other.bestandsnaam}): oudere gegevens zouden nieuwere vervangen."
                )
                break

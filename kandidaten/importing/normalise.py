"""Normalise: one raw cell -> a typed value, or CellError with a Dutch message.

Every normaliser takes whatever a reader can return (str, int, float, bool,
date, datetime, None) and never raises anything but CellError.
"""

import datetime
import itertools
import re

from kandidaten.keys import gemeente_sleutel, pers_nr_sleutel

from .errors import CellError

MAX_CELL_CHARS = 32_767
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def text(value):
    """Trimmed text, inner runs of white space folded; None and empty are ""."""
    if type(value) is str and len(value) <= MAX_CELL_CHARS and value.isprintable():
        # The common case: no control characters, tabs or line breaks (isprintable is False for those).
        value = value.strip()
        return " ".join(value.split()) if "  " in value else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "WAAR" if value else "ONWAAR"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    value = str(value)
    if len(value) > MAX_CELL_CHARS:
        raise CellError(f"de cel is langer dan {MAX_CELL_CHARS:,} tekens".replace(",", "."))
    if _CONTROL.search(value):
        raise CellError("de cel bevat stuurtekens (onzichtbare tekens) die niet in een export horen")
    return " ".join(value.split())


def limited(max_length):
    def normalise(value):
        result = text(value)
        if len(result) > max_length:
            raise CellError(f"de tekst is langer dan {max_length} tekens")
        return result

    normalise.__name__ = f"text_max_{max_length}"
    normalise.column = lambda cells: plain_text_column(cells, max_length)
    return normalise


MAX_KEY_LENGTH = 50


def key_of(cell):
    """(shown, sleutel) of a key cell — Pers. nr., Traject-, Module-, Plaatsing-ID: THE key parser.

    Shown as written (a number cell 7974.0 as "7974"), matched on its canonical form (keys.pers_nr_sleutel:
    "07974", "7974" and 7974.0 are one key). Digits and whole numbers, nearly every key, take the short way;
    plain_keys() gives the same for a whole chunk (property-tested).
    """
    kind = type(cell)
    if kind is str and cell.isdigit() and len(cell) <= MAX_KEY_LENGTH:
        return cell, cell.lstrip("0") or "0"
    if kind is float and cell.is_integer() and 0 <= cell < 1e15:
        shown = str(int(cell))
        return shown, shown
    shown = text(cell)
    if isinstance(cell, float) and not cell.is_integer():
        raise CellError("een nummer met decimalen is geen geldig nummer")
    if not shown:
        raise CellError("leeg, maar dit veld is verplicht")
    if len(shown) > MAX_KEY_LENGTH:
        raise CellError(f"langer dan {MAX_KEY_LENGTH} tekens")
    return shown, pers_nr_sleutel(shown)


def key(value):
    """A key cell as shown (a column's normaliser; see key_of)."""
    return key_of(value)[0]


def is_plain_key(cell):
    """What plain_keys() takes, for one cell."""
    if type(cell) is str:
        return 0 < len(cell) <= MAX_KEY_LENGTH and cell.isascii() and cell.isdigit()
    return type(cell) is float and cell.is_integer() and 0 <= cell < 1e15


def plain_key_flags(cells):
    """[is_plain_key(cell) for cell in cells], written out: a call per cell cost ~0.1 s per 200,000 rows of a
    file with noise rows (an empty row, the header again after a page break) in every chunk."""
    return [
        (0 < len(cell) <= MAX_KEY_LENGTH and cell.isascii() and cell.isdigit()) if type(cell) is str
        else (type(cell) is float and cell.is_integer() and 0 <= cell < 1e15)
        for cell in cells
    ]


def plain_keys(cells):
    """key_of() of every cell of a chunk as (shown keys, sleutels) when all are plain — ASCII digits up to 50
    long, or whole numbers from 0 below 10^15 — else None (then each goes through key_of itself)."""
    kinds = set(map(type, cells))
    if not kinds:
        return [], []
    if kinds == {str}:  # the usual export: keys as text
        return _plain_texts(cells)
    if not kinds <= {str, float}:
        return None
    texts = [cell for cell in cells if type(cell) is str]
    numbers = [cell for cell in cells if type(cell) is float]
    if texts and _plain_texts(texts) is None:
        return None
    if not (all(map(float.is_integer, numbers)) and min(numbers) >= 0 and max(numbers) < 1e15):
        return None
    sleutels = [cell.lstrip("0") or "0" if type(cell) is str else str(int(cell)) for cell in cells]
    return [cell if type(cell) is str else sleutel for cell, sleutel in zip(cells, sleutels, strict=True)], sleutels


def _plain_texts(cells):
    joined = "".join(cells)
    if not (joined.isascii() and joined.isdigit()) or min(map(len, cells)) == 0 or max(
            map(len, cells)) > MAX_KEY_LENGTH:
        return None
    # lstrip() hands back the cell itself when there is no zero to drop, so a key costs no new string (a
    # million keys stay in memory until the sheet is planned).
    sleutels = list(map(str.lstrip, cells, itertools.repeat("0")))
    if "" in sleutels:
        sleutels = [sleutel or "0" for sleutel in sleutels]
    return cells, sleutels


def required_text(value):
    result = _text_200(value)
    if not result:
        raise CellError("leeg, maar dit veld is verplicht")
    return result


_text_200 = limited(200)
required_text.column = lambda cells: plain_text_column(cells, 200, required=True)


def plain_text_column(cells, max_length, required=False):
    """text() of a whole column at once when every cell is plain text that text() only trims; else None.

    Plain: one line without control characters or double spaces, at most `max_length` long (and, when
    `required`, not blank). Names are nearly all distinct, so remembering them saves nothing; this
    saves the per-cell call (0.3 s per 200,000 names). A column with anything else goes cell by cell.
    """
    if not cells or set(map(type, cells)) != {str}:
        return None
    joined = "".join(cells)
    if "  " in joined or not joined.isprintable() or max(map(len, cells)) > max_length:
        return None
    stripped = list(map(str.strip, cells))
    if required and min(map(len, stripped)) == 0:
        return None
    return stripped


_YES = {"j", "ja", "y", "yes", "1", "true", "waar", "x"}
_NO = {"n", "nee", "no", "0", "false", "onwaar", ""}


def yes_no(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = text(value).casefold()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise CellError("verwacht J of N")


def dgr(value):
    if text(value).casefold() == "dgr":
        return True
    return yes_no(value)


def coded(mapping, message, name):
    """A normaliser for a coded column: the cell, case-insensitively, must be one of `mapping`'s keys."""

    def normalise(value):
        try:
            return mapping[text(value).casefold()]
        except KeyError:
            raise CellError(message) from None

    normalise.__name__ = name
    return normalise


klantprofiel = coded(
    {"j": "J", "ja": "J", "n": "N", "nee": "N", "l": "L", "leeg": "L", "": "L", "o": "O", "onvolledig": "O"},
    "verwacht J, N, L of O (Ja, Nee, Leeg, Onvolledig)", "klantprofiel",
)
sonar_status = coded({"open": "open", "gesloten": "gesloten", "": ""}, "verwacht Open, Gesloten of leeg",
                     "sonar_status")
klant_van = coded({"uwv": "uwv", "gemeente": "gemeente", "": ""}, "verwacht UWV of Gemeente", "klant_van")


_LADDER_UNKNOWN = {"", "=", "#", "(leeg)", "leeg", "onbekend"}
_LADDER = re.compile(r"^0?(\d+)(?:\.0)?(?:\s+(met|zonder)(?:\s+groei\w*(?:\.{0,3}|\s+\w+)?)?\.{0,3})?$")


def participatieladder(value):
    """-> (label, rung, groeipotentieel): ("04 met groeipotentieel", 4, True); unknown = ("", None, None)."""
    raw = text(value).casefold()
    if raw in _LADDER_UNKNOWN:
        return "", None, None
    match = _LADDER.match(raw.replace("…", "..."))
    if not match:
        raise CellError('verwacht een trede 1–6, eventueel met "met/zonder groeipotentieel"')
    rung = int(match.group(1))
    if not 1 <= rung <= 6:
        raise CellError("de trede moet tussen 1 en 6 liggen")
    growth = {"met": True, "zonder": False}.get(match.group(2))
    label = f"{rung:02d}" + ("" if growth is None else f" {match.group(2)} groeipotentieel")
    return label, rung, growth


_DATE_PATTERNS = (
    re.compile(r"^(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
)


def date(value):
    """Optional date: real dates, Excel serial numbers, dd-mm-jjjj, d-m-jjjj, dd/mm/jjjj, jjjj-mm-dd."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise CellError("geen datum")
    if isinstance(value, (int, float)):
        return _from_serial(value)
    raw = text(value)
    if not raw:
        return None
    if re.fullmatch(r"\d{5}(?:\.\d+)?", raw):
        return _from_serial(float(raw))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            try:
                return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                raise CellError("deze datum bestaat niet") from None
    raise CellError("geen datum (verwacht dd-mm-jjjj)")


def _from_serial(number):
    if not 1 <= number < 2958466:  # Excel's range: 1900-01-01 .. 9999-12-31
        raise CellError("geen datum (getal buiten het bereik van Excel-datums)")
    return _EXCEL_EPOCH + datetime.timedelta(days=int(number))


def required_date(value):
    result = date(value)
    if result is None:
        raise CellError("leeg, maar dit veld is verplicht")
    return result


class GemeenteResolver:
    """Names -> Gemeente pk via the reference list and aliases; unknown -> "Onbekend" plus a warning."""

    def __init__(self):
        from kandidaten.models import Gemeente, GemeenteAlias

        self.by_key = dict(Gemeente.objects.values_list("sleutel", "pk"))
        self.by_key.update(dict(GemeenteAlias.objects.values_list("sleutel", "gemeente_id")))
        self.onbekend = Gemeente.objects.onbekend().pk
        self.onbekend_key = gemeente_sleutel("Onbekend")

    def __call__(self, value):
        shown = limited(100)(value)
        found = self.by_key.get(gemeente_sleutel(shown))
        if found is None or gemeente_sleutel(shown) == self.onbekend_key:
            return shown, self.onbekend, False
        return shown, found, True


__all__ = ["pers_nr_sleutel"]

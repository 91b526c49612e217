"""Canonical keys: how two spellings of the same thing are recognised as one.

Shared by the importer, the reference-data migration and the model layer, so
that "Apeldoorn", " APELDOORN " and "apeldoorn." all find the same gemeente and
"07974", "7974" and 7974.0 the same client.
"""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def gemeente_sleutel(name: str) -> str:
    """Lower case, no diacritics, no spaces or punctuation: "Súdwest-Fryslân" -> "sudwestfryslan"."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub("", ascii_only.casefold())


def pers_nr_sleutel(value) -> str:
    """Canonical Pers. nr. (also used for Traject-, Module- and Plaatsing-ID).

    Numbers from Excel arrive as 7974 or 7974.0; text as "07974". All-digit
    values lose their leading zeros; other values are trimmed and case-folded.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    text = " ".join(str(value).split())
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if text.isdigit():
        return text.lstrip("0") or "0"
    return text.casefold()


def doelgroep_sleutel(name: str) -> str:
    return " ".join((name or "").split()).casefold()

"""One display per value: how every screen, export and picture writes a stored value.

The candidate list, the client page, the worklist, the drill-downs, the exports, the charts and the filter
chips all call these functions (templates through the `weergave` template filters), so "N – Nee" is
written the same way everywhere. Choices (docs/kandidaten.md, "Een weergave per waarde"):

- yes/no: "Ja" / "Nee" (DGR, banenafspraak, beschut werk, the derived flags, opgeschort, in bron);
- klantprofiel: the letter and the word, "N – Nee";
- participatieladder: the rung, its name and the growth potential, "4 Onbetaald werk, met groeipotentieel";
  an empty or unreadable value is "Onbekend";
- the follow-up of the worklist: its label ("Afspraak gepland"); none set yet is "Open";
- Pers. nr.: digits without leading zeros (the canonical key, the same for "07974", "7974" and 7974.0);
  a Pers. nr. with other characters as the latest import wrote it;
- dates dd-mm-jjjj; whole numbers with a dot between thousands ("150.000");
- an empty text value on screen: "(leeg)" (Power BI's word); in an export an empty cell.
"""

import datetime
import functools
import itertools
from dataclasses import dataclass

from kandidaten.models.kandidaat import LADDER_TREDEN, Klantprofiel, SonarStatus
from kandidaten.models.opvolging import AFGESLOTEN, AFGESLOTEN_LABEL, OpvolgingStatus
from kandidaten.models.reference import ONBEKEND, KlantVan

LEEG = "(leeg)"
# The value that stands for "unknown" in the list's URL and filters (ladder=onbekend, klant_van=onbekend).
ONBEKEND_WAARDE = ONBEKEND.lower()
STREEP = " – "


def ja_nee(value):
    return "Ja" if value else "Nee"


# Looked up, not worked out: an export calls these for every row (100,000 rows × several columns).
_KLANTPROFIELEN = {choice.value: f"{choice.value}{STREEP}{choice.label}" for choice in Klantprofiel}
_SONAR_STATUS = {choice.value: choice.label for choice in SonarStatus}
_KLANT_VAN = {choice.value: choice.label for choice in KlantVan}
_OPVOLGING = {**{choice.value: choice.label for choice in OpvolgingStatus}, AFGESLOTEN: AFGESLOTEN_LABEL}


def klantprofiel(code):
    """ "N" -> "N – Nee"; an empty stored value counts as Leeg (DOMAIN.md)."""
    code = code or Klantprofiel.LEEG
    return _KLANTPROFIELEN.get(code, code)


KLANTPROFIEL_KEUZES = [(choice.value, klantprofiel(choice.value)) for choice in Klantprofiel]  # J, N, L, O


def sonar_status(value):
    return _SONAR_STATUS.get(value, value)


def klant_van(value):
    return _KLANT_VAN.get(value, value)


def opvolging(status):
    """A follow-up status as shown: "Contact gelegd"; nothing set yet is "Open"."""
    return _OPVOLGING.get(status or OpvolgingStatus.OPEN, status)


def pers_nr(written):
    """The canonical Pers. nr.: all digits -> without leading zeros; anything else as written."""
    text = (written or "").strip()
    return (text.lstrip("0") or "0") if text.isdigit() else text


def _pers_nrs(written):
    """pers_nr() of a whole column at once when every value is plain digits (the usual export): the zeros
    dropped in one pass. None for any other column, which then goes value by value. (An export's hot spot:
    every client has a Pers. nr. of its own, so remembering them saves nothing.)"""
    if "" in written or None in written or not "".join(written).isdigit():
        return None
    kaal = list(map(str.lstrip, written, itertools.repeat("0")))
    return [nummer or "0" for nummer in kaal] if "" in kaal else kaal


pers_nr.kolom = _pers_nrs


def datum(value):
    return value.strftime("%d-%m-%Y") if isinstance(value, datetime.date) else ""


def getal(value):
    """150000 -> "150.000" (Dutch thousands separator); None -> ""."""
    if value is None or value == "":
        return ""
    return f"{int(value):,}".replace(",", ".")


def tekst(value):
    """A text value on screen: itself, or "(leeg)"."""
    return LEEG if value in (None, "") else value


@dataclass(frozen=True)
class Ladder:
    """A participatieladder value as stored ("04 met groeipotentieel", "06", "" = unknown)."""

    opgeslagen: str
    trede: int | None
    groeipotentieel: str  # "met groeipotentieel", "zonder groeipotentieel" or ""

    @classmethod
    @functools.lru_cache(maxsize=1024)  # a dozen distinct values; an export asks for one per row
    def van(cls, stored):
        stored = stored or ""
        try:
            trede = int(stored[:2])
        except ValueError:
            trede = None
        if trede not in LADDER_TREDEN:
            return cls(stored, None, "")
        return cls(stored, trede, stored[3:].strip())

    @property
    def onbekend(self):
        return self.trede is None

    @property
    def naam(self):
        """The rung's name ("Onbetaald werk"), or "" when unknown."""
        return LADDER_TREDEN.get(self.trede, "")

    @functools.cached_property
    def label(self):
        """The one display: "4 Onbetaald werk, met groeipotentieel"; "Onbekend"."""
        if self.onbekend:
            return ONBEKEND if not self.opgeslagen else f"{ONBEKEND} ({self.opgeslagen})"
        return f"{self.trede} {self.naam}" + (f", {self.groeipotentieel}" if self.groeipotentieel else "")

    @property
    def kort(self):
        """The same, without the rung's name, where only a few characters fit (the bars of a picture)."""
        if self.onbekend:
            return ONBEKEND
        return f"{self.trede}" + (f" {self.groeipotentieel}" if self.groeipotentieel else "")

    @property
    def waarde(self):
        """The value in the list's URL and filter (`ladder=...`)."""
        return self.opgeslagen or ONBEKEND_WAARDE


def ladder(stored):
    """A stored participatieladder as every screen and export writes it (`Ladder.label`)."""
    return Ladder.van(stored).label


def _bekende_ladders():
    stored = []
    for trede in sorted(LADDER_TREDEN):
        if trede == max(LADDER_TREDEN):  # the top rung has no higher one to grow to
            stored.append(f"{trede:02d}")
        else:
            stored += [f"{trede:02d} met groeipotentieel", f"{trede:02d} zonder groeipotentieel"]
    return [Ladder.van(value) for value in stored]


LADDERS = _bekende_ladders()  # the eleven values the importer writes, in ladder order

"""Data for the team overview and the follow-up, loaded through the real importer from files as messy as real
exports: title rows, an empty row and a noise row, Pers. nr. as numbers, gemeente spellings, stray spaces."""

import datetime
import re
from html import unescape

import pytest
from django.core.cache import cache
from django.utils import timezone

from kandidaten.importing import import_file
from kandidaten.models import Import
from tests.importing.files import KANDIDAAT_HEADER, kandidaat_row, xlsx

VANDAAG = timezone.localdate()
DAG = datetime.timedelta(days=1)
ITEM_HEADER = {
    "Trajecten": ["Pers. nr.", "Traject-ID", "Startdatum", "Uitvoerende", "Signaaldatum", "Einddatum"],
    "Modules": ["Pers. nr.", "Module-ID", "Traject-ID", "Startdatum", "Signaaldatum", "Einddatum", "Opgeschort"],
}


@pytest.fixture(autouse=True)
def lege_cache():
    cache.clear()  # option lists are cached per data generation, which a rolled-back test repeats
    yield
    cache.clear()


def klant(pers_nr, gemeente="Epe", begeleider="A. de Vries", klantprofiel="N", **kolommen):
    """A client row; Pers. nr. as the number Excel stores when it is given as an int."""
    return kandidaat_row(pers_nr, gemeente=gemeente, klantprofiel=klantprofiel,
                         **{"Begeleider Compas": begeleider, **kolommen})


def importeer(tmp_path, naam, sheets, stand=None):
    """Import a workbook through the real importer (skipping its noise rows) as the export of `stand`."""
    record = Import.objects.create(bestandsnaam=naam, stand=stand, gebruikersnaam="beheer")
    outcome = import_file(xlsx(tmp_path / naam, sheets), import_record=record, skip_invalid=True,
                          confirm_mass_gone=True)
    assert outcome.status == "applied", outcome.message
    return record


def kandidaten_blad(rows):
    """Title rows, an empty row, the header, the rows, an empty row and a total line as Compas writes them."""
    return {"Kandidaten": [["Kandidatenoverzicht Compas"], ["Export: alle kandidaten"], [], KANDIDAAT_HEADER, *rows,
                           [], ["Totaal", None, f"{len(rows)} kandidaten"]]}


def items_bladen(trajecten, modules):
    return {naam: [["Trajecten en modules"], [], ITEM_HEADER[naam], *rijen]
            for naam, rijen in (("Trajecten", trajecten), ("Modules", modules))}


def datum(dagen):
    """A date `dagen` days from today, as the export writes it."""
    return (VANDAAG + dagen * DAG).strftime("%d-%m-%Y")


def laad_team(tmp_path):
    """Two begeleiders in Epe (one of them also in Heerde, spelled with stray spaces), clients without one, and an
    Apeldoorn begeleider; some needing a profile since an import 40 days ago, some since today; items with
    overdue signals, ends within three months and a traject without an active module.

    Returns the pks of the two imports."""
    oud = importeer(tmp_path, "januari.xlsx", kandidaten_blad([
        klant(7974, "EPE"), klant("07975"), klant(7976, klantprofiel="J"),
        klant(7977, " Heerde ", begeleider=" A. de Vries "),
        klant(8001, begeleider="J. Peters"), klant(8002, begeleider="J. Peters", klantprofiel="O"),
        klant(8100, begeleider=""), klant(8101, begeleider="", klantprofiel="L"),
        klant(9001, "Apeldoorn", begeleider="K. Apel"),
    ]), stand=VANDAAG - 40 * DAG)
    nieuw = importeer(tmp_path, "vandaag.xlsx", kandidaten_blad([
        klant(7974, "EPE"), klant("07975"), klant(7976, klantprofiel="N"),  # needs one since today
        klant(7977, " Heerde ", begeleider=" A. de Vries "),
        klant(8001, begeleider="J. Peters"), klant(8002, begeleider="J. Peters", klantprofiel="O"),
        klant(8003, begeleider="J. Peters", klantprofiel="J"),
        klant(8100, begeleider=""), klant(8101, begeleider="", klantprofiel="L"),
        klant(9001, "Apeldoorn", begeleider="K. Apel"),
    ]), stand=VANDAAG)
    importeer(tmp_path, "items.xlsx", items_bladen(
        trajecten=[
            [7974, "T1", datum(-60), "Alrijde B", datum(-3), None],  # overdue signal
            [7975, "T2", datum(-60), "Alrijde B", datum(10), datum(30)],  # ends within three months
            [7977, "T3", datum(-10), "Werkfit", datum(-1), datum(20)],  # overdue, ends; no module
            [8001, "T4", datum(-5), "Alrijde B", None, None],  # no module
            [8100, "T5", datum(-30), "Alrijde B", datum(-2), None],  # overdue, no begeleider
            [9001, "T6", datum(-30), "Alrijde B", datum(-2), None],
        ],
        modules=[
            [7974, "M1", "T1", datum(-50), datum(-4), datum(80), "N"],  # overdue and ends
            [7975, "M2", "T2", datum(-50), datum(5), None, "J"],
            [8100, "M3", "T5", datum(-20), datum(-1), None, "N"],
            [9001, "M4", "T6", datum(-20), datum(-1), None, "N"],
        ],
    ))
    return oud, nieuw


GETAL_LINK = re.compile(r'<a href="([^"]+)" aria-label="([^"]*)">([^<]+)</a>')


def links_in_tabellen(html):
    """(url, accessible name, shown text) of every link in the team overview's tables (not the headers)."""
    lichamen = re.findall(r"<tbody>(.*?)</tbody>|<tfoot>(.*?)</tfoot>", html, re.S)
    return [(unescape(url), unescape(label), unescape(tekst))
            for delen in lichamen for deel in delen for url, label, tekst in GETAL_LINK.findall(deel)]


def getal(tekst):
    return int(tekst.replace(".", ""))

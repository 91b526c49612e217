"""Origin: is a sheet a source export, or a file this app wrote itself?

Staff download a list, "fix" it in Excel and upload it back. Such a file is no snapshot of the source: it
is filtered (uploading it would mark everyone else gone) and holds columns the app computes (read as source
data they would overwrite what the source said). So:

- **Our exports are refused as a source.** Every workbook the export flow writes carries a document
  property (`exporting.MARK_PROPERTY`); a CSV, or a workbook whose property got lost on the way, is known
  by its header: a column the app derives (profiel nodig, telt mee in Sonar, in bron…), or an item list
  that carries its client's name, gemeente and begeleider as the drill-down exports do. "Klant van" alone
  is no signature: it is also what some sources call Indicering.
- **Our error workbook is read as corrections.** It repeats the original header after four columns of its
  own; those are dropped, the rows in it are imported as usual, and nothing is marked gone: the workbook
  holds only the rows that failed, never a snapshot.
"""

from kandidaten.exporting import MARK_ERRORBOOK, MARK_EXPORT
from kandidaten.models import Kandidaat

from .errorbook import LEAD_COLUMNS
from .types import TYPES, header_key

SOURCE, EXPORT, ERRORBOOK = "bron", MARK_EXPORT, MARK_ERRORBOOK

# The fields the app computes or keeps for its own bookkeeping, by the names our exports give them.
_DERIVED_FIELDS = ("in_doelgroep_banenafspraak", "telt_in_sonar", "profiel_nodig", "profiel_nodig_sinds", "in_bron",
                   "niet_in_bron_sinds")
DERIVED_HEADERS = frozenset(header_key(Kandidaat._meta.get_field(name).verbose_name) for name in _DERIVED_FIELDS)
# A drill-down list shows its items with their client: an item export of the source refers to the client by
# Pers. nr. only.
_CLIENT_FIELDS = ("gemeente", "naam", "begeleider")
_CLIENT_COLUMNS = tuple(column for column in TYPES["kandidaten"].columns if column.field in _CLIENT_FIELDS)
_LEAD_KEYS = [header_key(title) for title in LEAD_COLUMNS]

REFUSAL = ("Dit is een export uit Kandidatenoverzicht, geen bronbestand: {name} is geweigerd. Importeer de export "
           "uit het bronsysteem (Compas of Sonar); een lijst uit deze applicatie bevat berekende kolommen en "
           "meestal maar een deel van de kandidaten.")
ERRORBOOK_WARNING = ("Dit is een foutenbestand van Kandidatenoverzicht: alleen de rijen erin worden bijgewerkt, "
                     "niets wordt als 'niet meer in de bron' gemarkeerd.")


def is_errorbook(mark, head_rows):
    """An error workbook: by its mark, or (saved as CSV, or copied) by the four columns in front."""
    if mark == MARK_ERRORBOOK:
        return True
    first = next((cells for cells in head_rows if any(cell not in (None, "") for cell in cells)), [])
    return [header_key(cell) for cell in first[:len(_LEAD_KEYS)]] == _LEAD_KEYS


def is_our_export(mark, layout):
    """An export of this app: by its mark, or by a header only our exports have."""
    if mark == MARK_EXPORT:
        return True
    if layout is None:
        return False
    keys = {header_key(cell) for cell in layout.header_cells}
    if keys & DERIVED_HEADERS:
        return True
    return layout.export_type.is_item and all(keys & column.keys for column in _CLIENT_COLUMNS)

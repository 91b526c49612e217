"""The four export types as declarations: columns, key, normaliser per column, and their rules.

One flow (read → detect → plan → apply) serves all four; adding a column is a change here, a type a
declaration here with its rules (rules.py), not a new flow.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from kandidaten.models import Kandidaat, Module, Plaatsing, Traject

from . import normalise as n
from . import rules

_SONAR_PREFIX = re.compile(r"^\s*sonar\s*-\s*", re.IGNORECASE)
_NON_ALNUM = re.compile(r"[\W_]+")


def header_key(value):
    """Header matching ignores case, spaces, dots and the "Sonar - " prefix."""
    if value is None:
        return ""
    text = _SONAR_PREFIX.sub("", str(value))
    return _NON_ALNUM.sub("", text.casefold())


@dataclass(frozen=True)
class Column:
    header: str  # as IMPORT.md names it; also the name shown in messages
    field: str  # what the normalised value becomes (a model field, or a pseudo-field its rules finish)
    normalise: Callable | None  # None: the gemeente, resolved against the reference list (Context.gemeenten)
    required: bool = False
    aliases: tuple = ()
    remember: bool = True  # False for nearly distinct values (names): remembering each would only cost

    @property
    def keys(self):
        return {header_key(self.header), *(header_key(alias) for alias in self.aliases)}


@dataclass(frozen=True)
class ExportType:
    name: str
    label: str
    model: type
    id_field: str  # the model field that holds the key as shown (pers_nr, traject_id…)
    columns: tuple
    rules: rules.Rules

    @property
    def required(self):
        return [column for column in self.columns if column.required]

    @property
    def is_item(self):
        return isinstance(self.rules, rules.ItemRules)


# An item's Pers. nr. becomes (shown, key) of its client; a client's own is its key (plan.py parses it).
PERS_NR = Column("Pers. nr.", "pers_nr", n.key_of, True, ("Persoonsnummer", "Pers.nr", "Persnr", "Pers nr"))


def _item_columns(id_header, id_field, extra):
    return (
        PERS_NR,
        Column(id_header, id_field, n.key, True, (id_header.replace("-", " "), id_header.replace("-", ""))),
        Column("Startdatum", "startdatum", n.required_date, True, ("Start datum", "Begindatum")),
        *extra,
        Column("Uitvoerende", "uitvoerende", n.limited(200)),
        Column("Signaaldatum", "signaaldatum", n.date, False, ("Signaal datum",)),
        Column("Einddatum", "einddatum", n.date, False, ("Eind datum",)),
    )


KANDIDATEN = ExportType(
    "kandidaten",
    "kandidaten",
    Kandidaat,
    "pers_nr",
    (
        Column("Bet. gemeente", "gemeente", None, True, ("Gemeente", "Betrokken gemeente")),
        PERS_NR,
        Column("Naam", "naam", n.required_text, True, remember=False),
        Column("Doelgroep", "doelgroep", n.limited(100)),
        Column("DGR", "dgr", n.dgr, False, ("Doelgroepregister",)),
        Column("Sonar - Banenafspraken", "banenafspraak", n.yes_no, False, ("Banenafspraak", "Banenafspraken")),
        Column("Sonar - Status", "sonar_status", n.sonar_status, False, ("Status",)),
        Column("Sonar - Klantprofiel", "klantprofiel", n.klantprofiel, False, ("Klantprofiel",)),
        Column(
            "Sonar - Participatieladder", "participatieladder", n.participatieladder, False, ("Participatieladder",)
        ),
        Column("Sonar - DV Laatste Soort", "dv_laatste_soort", n.limited(200), False, ("DV Laatste Soort",)),
        Column("Begeleider Compas", "begeleider", n.limited(200), False, ("Begeleider", "Klantmanager")),
        Column("Indicering", "indicering", n.klant_van, False, ("Klant van",)),
        Column("Beschut werk", "beschut_werk", n.yes_no, False, ("Beschut",)),
    ),
    rules.ClientRules(),
)

TRAJECTEN = ExportType(
    "trajecten", "trajecten", Traject, "traject_id",
    _item_columns("Traject-ID", "traject_id", (Column("Traject", "naam", n.limited(200), False, ("Trajectnaam",)),)),
    rules.TrajectRules(),
)

MODULES = ExportType(
    "modules", "modules", Module, "module_id",
    _item_columns(
        "Module-ID",
        "module_id",
        (
            Column("Traject-ID", "traject_ref", n.limited(50), False, ("Traject ID", "TrajectID")),
            Column("Module", "naam", n.limited(200), False, ("Modulenaam",)),
            Column("Opgeschort", "opgeschort", n.yes_no),
        ),
    ),
    rules.ModuleRules(),
)

PLAATSINGEN = ExportType(
    "plaatsingen", "externe plaatsingen", Plaatsing, "plaatsing_id",
    _item_columns(
        "Plaatsing-ID",
        "plaatsing_id",
        (
            Column("Werkgever", "werkgever", n.limited(200)),
            Column("Functie", "functie", n.limited(200)),
        ),
    ),
    rules.ItemRules(),
)

# Applied in this order: items need their clients, modules their trajecten.
TYPES = {t.name: t for t in (KANDIDATEN, TRAJECTEN, MODULES, PLAATSINGEN)}

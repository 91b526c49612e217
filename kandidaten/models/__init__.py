from .audit import AuditEvent
from .imports import Import, KandidaatWijziging
from .items import Module, Plaatsing, Traject
from .kandidaat import Kandidaat, Klantprofiel, KlantVan, SonarStatus, derive_flags
from .lijsten import BewaardeLijst, Lijstvoorkeur
from .paneel import Datastand, PaneelTelling
from .reference import (
    Arbeidsmarktregio,
    Doelgroep,
    DoelgroepregisterTotaal,
    Gemeente,
    GemeenteAlias,
)
from .users import Gebruiker

__all__ = [
    "Arbeidsmarktregio",
    "AuditEvent",
    "BewaardeLijst",
    "Doelgroep",
    "Datastand",
    "DoelgroepregisterTotaal",
    "Gebruiker",
    "Gemeente",
    "GemeenteAlias",
    "Import",
    "Kandidaat",
    "KandidaatWijziging",
    "KlantVan",
    "Lijstvoorkeur",
    "Klantprofiel",
    "Module",
    "PaneelTelling",
    "Plaatsing",
    "SonarStatus",
    "Traject",
    "derive_flags",
]

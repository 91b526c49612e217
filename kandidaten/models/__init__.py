from .abonnementen import Abonnement
from .audit import AuditEvent, AuditGemeente
from .imports import Import, KandidaatWijziging
from .items import Module, Plaatsing, Traject
from .kandidaat import Kandidaat, Klantprofiel, KlantVan, SonarStatus, derive_flags
from .lijsten import BewaardeLijst, Lijstvoorkeur
from .opvolging import Opvolging, OpvolgingStatus, OpvolgingWijziging
from .paneel import Datastand, PaneelTelling, TeamTelling
from .reference import (
    Arbeidsmarktregio,
    Doelgroep,
    DoelgroepregisterTotaal,
    Gemeente,
    GemeenteAlias,
)
from .transparantie import TransparantieTelling, UwvTelling
from .users import Gebruiker

__all__ = [
    "Abonnement",
    "Arbeidsmarktregio",
    "AuditEvent",
    "AuditGemeente",
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
    "Opvolging",
    "OpvolgingStatus",
    "OpvolgingWijziging",
    "PaneelTelling",
    "Plaatsing",
    "SonarStatus",
    "TeamTelling",
    "Traject",
    "TransparantieTelling",
    "UwvTelling",
    "derive_flags",
]

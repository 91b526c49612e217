"""The overview's pictures: klantprofiel and participatieladder per gemeente in the user's scope.

One query groups the clients in scope (and in the source) by gemeente, klantprofiel and
participatieladder; both distributions are summed from that in Python.
"""

from dataclasses import dataclass, field

from django.db.models import Count

from kandidaten.models import Klantprofiel
from kandidaten.scoping import Scope
from kandidaten.weergave import LADDERS, Ladder

KLANTPROFIELEN = [choice.value for choice in Klantprofiel]  # J, N, L, O
_BEKEND = [ladder.opgeslagen for ladder in LADDERS]


@dataclass
class Verdeling:
    gemeente_id: int
    gemeente: str
    totaal: int = 0
    klantprofiel: dict = field(default_factory=dict)  # "J" -> aantal, for all four
    ladder: dict = field(default_factory=dict)  # stored value ("" = unknown) -> aantal

    def klantprofiel_rijen(self):
        """[(code, aantal)] for J, N, L, O (zeros included)."""
        return [(code, self.klantprofiel.get(code, 0)) for code in KLANTPROFIELEN]

    def ladder_rijen(self):
        """[(Ladder, aantal)]: the eleven known values, then any other stored value, then unknown."""
        bekend = [(ladder, self.ladder.get(ladder.opgeslagen, 0)) for ladder in LADDERS]
        overig = sorted((stored, aantal) for stored, aantal in self.ladder.items() if stored not in _BEKEND and stored)
        onbekend = [(Ladder.van(""), self.ladder.get("", 0))]
        return bekend + [(Ladder.van(stored), aantal) for stored, aantal in overig] + onbekend


def verdelingen(scope, gemeente=None):
    """One Verdeling per gemeente with clients in scope (and in the source), by gemeente name."""
    queryset = Scope.van(scope).kandidaten().in_bron()
    if gemeente:
        queryset = queryset.filter(gemeente_id=gemeente)
    rows = (
        queryset.values("gemeente_id", "gemeente__naam", "klantprofiel", "participatieladder")
        .annotate(aantal=Count("id"))
        .order_by()
    )
    per_gemeente = {}
    for row in rows:
        verdeling = per_gemeente.get(row["gemeente_id"])
        if verdeling is None:
            verdeling = per_gemeente[row["gemeente_id"]] = Verdeling(row["gemeente_id"], row["gemeente__naam"])
        aantal = row["aantal"]
        verdeling.totaal += aantal
        code = row["klantprofiel"] or Klantprofiel.LEEG
        verdeling.klantprofiel[code] = verdeling.klantprofiel.get(code, 0) + aantal
        ladder = row["participatieladder"] or ""
        verdeling.ladder[ladder] = verdeling.ladder.get(ladder, 0) + aantal
    return sorted(per_gemeente.values(), key=lambda v: v.gemeente.casefold())

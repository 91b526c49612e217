"""The overview's pictures: klantprofiel and participatieladder per gemeente in the user's scope.

One query groups the clients in scope (and in the source) by gemeente, klantprofiel and
participatieladder; both distributions are summed from that in Python.
"""

from dataclasses import dataclass, field

from django.db.models import Count

from kandidaten.models import Klantprofiel
from kandidaten.scoping import kandidaten_voor

KLANTPROFIELEN = [(choice.value, choice.label) for choice in Klantprofiel]  # J, N, L, O
ONBEKEND = "onbekend"  # the candidate list's value for an empty participatieladder


def ladder_labels():
    """The stored labels in ladder order: "01 met groeipotentieel", "01 zonder groeipotentieel", ... "06"."""
    labels = []
    for trede in range(1, 6):
        labels += [f"{trede:02d} met groeipotentieel", f"{trede:02d} zonder groeipotentieel"]
    labels.append("06")
    return labels


LADDER_LABELS = ladder_labels()


@dataclass
class Verdeling:
    gemeente_id: int
    gemeente: str
    totaal: int = 0
    klantprofiel: dict = field(default_factory=dict)  # "J" -> aantal, for all four
    ladder: dict = field(default_factory=dict)  # stored label (or ONBEKEND) -> aantal

    def klantprofiel_rijen(self):
        """[(code, label, aantal)] for J, N, L, O (zeros included)."""
        return [(code, label, self.klantprofiel.get(code, 0)) for code, label in KLANTPROFIELEN]

    def ladder_rijen(self):
        """[(stored label, aantal)]: the twelve known labels, then any other stored value, then onbekend."""
        bekend = [(label, self.ladder.get(label, 0)) for label in LADDER_LABELS]
        overig = sorted(
            (label, aantal) for label, aantal in self.ladder.items() if label not in LADDER_LABELS and label != ONBEKEND
        )
        return bekend + overig + [(ONBEKEND, self.ladder.get(ONBEKEND, 0))]


def verdelingen(user, gemeente=None):
    """One Verdeling per gemeente with clients in scope (and in the source), by gemeente name."""
    queryset = kandidaten_voor(user).in_bron()
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
        ladder = row["participatieladder"] or ONBEKEND
        verdeling.ladder[ladder] = verdeling.ladder.get(ladder, 0) + aantal
    return sorted(per_gemeente.values(), key=lambda v: v.gemeente.casefold())

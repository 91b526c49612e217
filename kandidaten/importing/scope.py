"""Scope: an import touches only clients of the importing user's gemeenten.

Which gemeenten a user has is decided in `kandidaten.scoping` (as for every list); the system (the command
line without --user, the demo loader) imports for every gemeente. A row outside the scope is a row error
naming its gemeente, and records only go "gone" within the scope.
"""

import operator

from kandidaten.models import Gemeente
from kandidaten.scoping import gemeenten_voor

OUTSIDE = "buiten de gemeenten waarvoor u mag importeren"


class Scope:
    def __init__(self, user=None):
        everything = user is None or getattr(user, "is_superuser", False)
        self.allowed = None if everything else set(gemeenten_voor(user).values_list("pk", flat=True))
        self._names = None

    @property
    def everything(self):
        return self.allowed is None

    def allows(self, gemeente_id):
        return self.allowed is None or gemeente_id in self.allowed

    def within(self, gemeente_ids):
        return set(gemeente_ids) if self.allowed is None else set(gemeente_ids) & self.allowed

    def name(self, gemeente_id):
        if self._names is None:
            self._names = dict(Gemeente.objects.values_list("pk", "naam"))
        return self._names.get(gemeente_id, "(onbekend)")

    def gemeente_message(self, gemeente_id):
        return f"gemeente {self.name(gemeente_id)} valt {OUTSIDE}"

    def client_message(self, gemeente_id):
        return f"deze kandidaat hoort bij gemeente {self.name(gemeente_id)}, {OUTSIDE}"

    def row_test(self, layout, context):
        """A test of a row's raw cells: may it count as unchanged without a look at its values? None: always.

        Kandidaten: its gemeente cell names a gemeente in scope; items: its client belongs to one. A row that
        fails is normalised like a changed row, and refused there with a message (see refusals()).
        """
        if self.everything:
            return None
        rules = layout.export_type.rules
        position = next(position for column, position in layout.positions.items()
                        if column.field == rules.gemeente_field)
        return _CachedTest(operator.itemgetter(position),
                           lambda cell: self.allows(rules.gemeente_of_cell(cell, context)))

    def refuse(self, problems, gemeente_ids, column, shown, message):
        """Add (column, shown value, message(gemeente)) to `problems` ({offset: problem}) for every planned row
        whose gemeente is outside the scope; a row keeps the first problem found."""
        if self.everything:
            return
        for offset, gemeente_id in enumerate(gemeente_ids):
            if offset not in problems and gemeente_id is not None and not self.allows(gemeente_id):
                problems[offset] = (column, shown[offset], message(gemeente_id))


class _CachedTest:
    """test(cell_of(cells)) with the answer kept per distinct cell (a werkbedrijf has few gemeenten)."""

    def __init__(self, cell_of, test):
        self.cell_of, self.test, self.answers = cell_of, test, {}

    def __call__(self, cells):
        cell = self.cell_of(cells)
        key = (type(cell), cell)
        answer = self.answers.get(key)
        if answer is None:
            answer = self.answers[key] = self.test(cell)
        return answer

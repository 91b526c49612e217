"""Normalise a chunk column by column: each distinct cell value once, as most columns repeat a few values."""

import operator

from .errors import CellError


class Failed:
    """A cell that could not be normalised, in a column of normalised values."""

    __slots__ = ("message",)

    def __init__(self, message):
        self.message = message


class ColumnNormaliser:
    """Normalise a column of cells at once; each distinct cell value once.

    Text cells are remembered by their text; other cells by (type, value), because 1 == 1.0 == True in a
    dict. Stops remembering at `limit` values, and does not remember at all for columns of nearly
    distinct values (names), where it would only cost.
    """

    def __init__(self, function, *, remember=True, limit=50_000):
        self.function = function
        self.remember = remember
        # A normaliser may offer a whole-column shortcut: the same values, or None to go cell by cell.
        self.whole_column = getattr(function, "column", None)
        self.texts = _Remembered(self, limit, lambda text: text)
        self.typed = _Remembered(self, limit, operator.itemgetter(1))
        self.failed_ever = False

    def one(self, value):
        try:
            return self.function(value)
        except CellError as problem:
            self.failed_ever = True
            return Failed(str(problem))

    def column(self, cells):
        """The normalised values of `cells`, a Failed where a cell is refused."""
        if not self.remember:
            if self.whole_column is not None and (values := self.whole_column(cells)) is not None:
                return values
            return list(map(self.one, cells))
        try:
            if set(map(type, cells)) <= {str}:
                return list(map(self.texts.__getitem__, cells))
            return list(map(self.typed.__getitem__, zip(map(type, cells), cells, strict=True)))
        except TypeError:  # an unhashable cell: never from our readers, but never crash either
            return list(map(self.one, cells))


class _Remembered(dict):
    """Cell key -> normalised value; a key not seen yet is normalised on lookup (C speed for the rest)."""

    def __init__(self, owner, limit, value_of):
        super().__init__()
        self.owner, self.limit, self.value_of = owner, limit, value_of

    def __missing__(self, key):
        result = self.owner.one(self.value_of(key))
        if len(self) < self.limit:
            self[key] = result
        return result

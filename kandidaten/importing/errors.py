"""What can go wrong, as values: a file we cannot read, and errors in single rows."""

from dataclasses import dataclass


class UnreadableFile(Exception):
    """The whole file is refused; the message is one Dutch sentence naming the file and what to do."""


class CellError(ValueError):
    """A normaliser could not turn a cell into a value; the message says why, in Dutch."""


@dataclass
class RowError:
    sheet: str
    row: int  # as Excel numbers it (1-based)
    column: str
    value: str
    message: str
    values: list  # the original row, for the error workbook

    def as_dict(self):
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}

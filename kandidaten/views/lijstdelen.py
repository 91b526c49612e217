"""What every list page shares: the page size from a fixed list, sortable column headers, the page asked for."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kolomkop:
    """A sortable column header: its sort key, label, aria-sort and the sort a click asks for."""

    key: str
    label: str
    aria_sort: str  # "ascending", "descending" or ""
    volgende: str  # the `sort` value of the header's link

    @property
    def pijl(self):
        return {"ascending": " ▲", "descending": " ▼"}.get(self.aria_sort, "")

    @property
    def uitleg(self):
        """For screen readers: what the header does."""
        return {
            "ascending": " (oplopend gesorteerd, klik voor aflopend)",
            "descending": " (aflopend gesorteerd, klik voor oplopend)",
        }.get(self.aria_sort, " (sorteren)")


def kolomkoppen(kolommen, sort):
    """[(key, label)] and the current `sort` ("naam" or "-naam") -> {key: Kolomkop}."""
    huidige, aflopend = sort.removeprefix("-"), sort.startswith("-")
    koppen = {}
    for key, label in kolommen:
        if key == huidige:
            richting = "descending" if aflopend else "ascending"
            koppen[key] = Kolomkop(key, label, richting, key if aflopend else f"-{key}")
        else:
            koppen[key] = Kolomkop(key, label, "", key)
    return koppen

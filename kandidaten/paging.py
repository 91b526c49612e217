"""Paging: the page sizes a list offers, and pages of a list whose rows are not one sliced query, counted and
read the way the list can be read fast.

`LijstPaginator` is a plain Django Paginator (the templates' page object, `num_pages`, `get_page`…) whose
length comes from a function and whose page rows come from another: `lees(bottom, top)` -> the rows
[bottom, top). `per_groep` builds that reader for a list read group by group: the candidate list sorted on
gemeente (counted per gemeente, each page read from the gemeenten it falls in) and a drill-down sorted on a
client column (clients walked in order with their number of items, then those clients' items).
"""

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


class LijstPaginator(Paginator):
    """A Paginator for a list of `tel()` rows, each page read by `lees(bottom, top)`."""

    def __init__(self, per_page, *, tel, lees, orphans=0):
        super().__init__((), per_page, orphans=orphans)
        self._tel = tel
        self._lees = lees

    @cached_property
    def count(self):
        return self._tel()

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return Page(self._lees(bottom, top) if top > bottom else [], number, self)

    def pagina(self, gevraagd):
        """(the page, the number asked for if there is no such page): a number past the end gives the last
        page, and the caller says so; anything that is no page number gives the first."""
        try:
            number = int(gevraagd)
        except (TypeError, ValueError):
            return self.page(1), None
        if number < 1:
            return self.page(1), None
        if number > self.num_pages:
            return self.page(self.num_pages), number
        return self.page(number), None


def per_groep(groepen, lees_groepen):
    """`lees(bottom, top)` for a list read group by group.

    `groepen(top)`: (key, number of rows) in the list's order, every group at least one row; it may stop once
    `top` rows are covered. `lees_groepen(keys, offset, limit)`: the rows of those groups, in order, from the
    offset-th on.
    """

    def lees(bottom, top):
        keys, ervoor = groepen_van_pagina(groepen(top), bottom, top)
        return lees_groepen(keys, bottom - ervoor, top - bottom) if keys else []

    return lees


def groepen_van_pagina(groepen, bottom, top):
    """The keys of the groups that hold rows [bottom, top) of a list, and the number of rows before them.

    `groepen`: (key, number of rows) in the list's order, every group with at least one row. Read only as
    far as the page needs: a lazy walk stops there.
    """
    gekozen, ervoor, gezien = [], 0, 0
    for key, aantal in groepen:
        if gezien + aantal > bottom:
            gekozen.append(key)
        else:
            ervoor += aantal
        gezien += aantal
        if gezien >= top:
            break
    return gekozen, ervoor


def pagina_grootte(request, keuzes, standaard):
    """The page size from ?per_page when it is one of `keuzes`, else `standaard`: never any other number.

    A list that took ?per_page as given rendered a million rows on request (108 MB of HTML nationally), and
    a negative size crashed it."""
    try:
        gevraagd = int(request.GET.get("per_page", standaard))
    except (TypeError, ValueError):
        return standaard
    return gevraagd if gevraagd in keuzes else standaard

"""Pages of a list that is read group by group (clients, gemeenten): which groups hold a page."""


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

"""Paging: the page sizes a list offers, and pages of a list read group by group (clients, gemeenten)."""

from django.core.paginator import EmptyPage, PageNotAnInteger


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


def pagineer_tabel(table, request, *, per_page, **paginator_kwargs):
    """Paginate a django-tables2 table at `per_page` rows, on the page from the URL (a wrong one: the nearest).

    Not RequestConfig(paginate=...): django-tables2 lets ?per_page from the URL overrule the given size."""
    try:
        table.paginate(page=request.GET.get(table.prefixed_page_field, 1), per_page=per_page, **paginator_kwargs)
    except PageNotAnInteger:
        table.page = table.paginator.page(1)
    except EmptyPage:
        table.page = table.paginator.page(table.paginator.num_pages)

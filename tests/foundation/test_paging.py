"""Paging a list read group by group: which groups hold a page, how many rows come before them."""

import pytest

from kandidaten.paging import groepen_van_pagina

GROEPEN = [("a", 3), ("b", 1), ("c", 5), ("d", 2)]  # rows 0-2 a, 3 b, 4-8 c, 9-10 d


@pytest.mark.parametrize("bottom, top, expected", [
    (0, 2, (["a"], 0)),
    (0, 3, (["a"], 0)),
    (2, 4, (["a", "b"], 0)),
    (3, 4, (["b"], 3)),
    (4, 9, (["c"], 4)),
    (8, 11, (["c", "d"], 4)),
    (10, 11, (["d"], 9)),
])
def test_the_groups_of_a_page_and_the_rows_before_them(bottom, top, expected):
    assert groepen_van_pagina(GROEPEN, bottom, top) == expected


def test_the_walk_stops_at_the_group_that_ends_the_page():
    read = []

    def walk():
        for groep in GROEPEN:
            read.append(groep[0])
            yield groep

    groepen_van_pagina(walk(), 0, 4)
    assert read == ["a", "b"]


def test_an_empty_list_has_no_groups():
    assert groepen_van_pagina([], 0, 0) == ([], 0)

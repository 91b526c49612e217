"""Each normaliser: the values IMPORT.md lists, and arbitrary cells never crash."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kandidaten.importing import normalise as n
from kandidaten.importing.errors import CellError

ANY_CELL = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.text(),
    st.dates(), st.datetimes(),
)
NORMALISERS = [n.text, n.key, n.required_text, n.yes_no, n.dgr, n.klantprofiel, n.sonar_status, n.klant_van,
               n.participatieladder, n.date, n.required_date, n.limited(10)]


@pytest.mark.parametrize("normaliser", NORMALISERS, ids=lambda f: f.__name__)
@given(cell=ANY_CELL)
def test_arbitrary_cells_give_a_value_or_a_cell_error(normaliser, cell):
    try:
        normaliser(cell)
    except CellError as error:
        assert str(error)


@pytest.mark.parametrize("cell, expected", [
    ("J", True), ("ja", True), ("Y", True), (1, True), ("true", True), ("N", False), ("Nee", False), ("0", False),
    ("false", False), (None, False), ("", False),
])
def test_yes_no_values(cell, expected):
    assert n.yes_no(cell) is expected


def test_dgr_accepts_the_word_dgr_and_refuses_other_words():
    assert n.dgr("DGR") is True
    assert n.dgr("dgr") is True
    with pytest.raises(CellError, match="verwacht J of N"):
        n.dgr("misschien")


@pytest.mark.parametrize("cell, expected", [
    ("J", "J"), ("ja", "J"), ("N", "N"), ("Nee", "N"), ("", "L"), (None, "L"), ("leeg", "L"), ("o", "O"),
    ("Onvolledig", "O"),
])
def test_klantprofiel_values(cell, expected):
    assert n.klantprofiel(cell) == expected


@pytest.mark.parametrize("cell, expected", [
    ("04 met groeipotentieel", ("04 met groeipotentieel", 4, True)),
    ("05 met groeipot...", ("05 met groeipotentieel", 5, True)),
    ("2 zonder groeipotentieel", ("02 zonder groeipotentieel", 2, False)),
    ("06", ("06", 6, None)),
    (6, ("06", 6, None)),
    ("=", ("", None, None)),
    ("#", ("", None, None)),
    ("(Leeg)", ("", None, None)),
    (None, ("", None, None)),
])
def test_participatieladder_values(cell, expected):
    assert n.participatieladder(cell) == expected


@pytest.mark.parametrize("cell", ["07 met groeipotentieel", "0", "hoog"])
def test_participatieladder_refuses_rungs_outside_one_to_six(cell):
    with pytest.raises(CellError):
        n.participatieladder(cell)


@pytest.mark.parametrize("cell", [
    datetime.date(2025, 3, 1), datetime.datetime(2025, 3, 1, 14, 30), 45717, 45717.0, "01-03-2025", "1-3-2025",
    "01/03/2025", "2025-03-01", "01-03-2025 00:00", "2025-03-01T10:00:00",
])
def test_date_formats(cell):
    assert n.date(cell) == datetime.date(2025, 3, 1)


@pytest.mark.parametrize("cell, message", [("31-02-2025", "bestaat niet"), ("maart", "geen datum"),
                                           ("03-2025", "geen datum")])
def test_impossible_or_unknown_dates_are_errors(cell, message):
    with pytest.raises(CellError, match=message):
        n.date(cell)


def test_text_folds_spaces_and_refuses_control_characters_and_huge_cells():
    assert n.text("  Willems,   J. ") == "Willems, J."
    with pytest.raises(CellError, match="stuurtekens"):
        n.text("Jan\x00sen")
    with pytest.raises(CellError, match="32.767"):
        n.text("x" * 32_768)


def test_key_shows_numbers_without_decimals():
    assert n.key(7974.0) == "7974"
    assert n.key("07974") == "07974"
    with pytest.raises(CellError, match="verplicht"):
        n.key("  ")


@pytest.mark.django_db
def test_gemeente_resolver_matches_aliases_and_spelling_and_keeps_unknown_under_onbekend():
    resolve = n.GemeenteResolver()
    assert resolve(" APELDOORN ")[2] is True
    assert resolve("Den Haag")[2] is True
    shown, _pk, known = resolve("Atlantis")
    assert (shown, known) == ("Atlantis", False)
    assert resolve("")[2] is False


@given(cells=st.lists(ANY_CELL | st.sampled_from(["0", "007", "٣", "1" * 51, "1" * 50, 0.0, -1.0, 1e15, 12.5]),
                      max_size=30))
def test_plain_key_flags_say_of_every_cell_what_is_plain_key_says(cells):
    assert n.plain_key_flags(cells) == [n.is_plain_key(cell) for cell in cells]
    plain = [cell for cell in cells if n.is_plain_key(cell)]
    assert n.plain_keys(plain) is not None  # what the quick pass takes as plain, plain_keys takes


KEY_CELLS = st.sampled_from(["0", "00", "007", "7974", "07974", "٣", "1" * 51, "1" * 50, "", " 5", "abc", 0.0, 7.0,
                             7974.0, -1.0, 1e15, 999999999999999.0, 12.5, None, True, 3])


@given(cells=st.lists(KEY_CELLS | ANY_CELL, max_size=30) | st.lists(KEY_CELLS, max_size=30))
def test_the_keys_of_a_plain_chunk_are_the_keys_of_its_cells_one_by_one(cells):
    """plain_keys() is the whole-chunk shortcut of key_of(): where it answers, it answers the same."""
    keys = n.plain_keys(cells)
    if keys is None:
        assert not all(map(n.is_plain_key, cells))
        return
    shown, sleutels = keys
    assert list(zip(shown, sleutels, strict=True)) == [n.key_of(cell) for cell in cells]

"""The quick pass and whole-column normalising give exactly the row-by-row outcome, for any sheet."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kandidaten.importing import TYPES, import_file, plan
from kandidaten.importing import normalise as n
from kandidaten.importing.columns import ColumnNormaliser, Failed
from kandidaten.importing.context import Context
from kandidaten.importing.detect import detect
from kandidaten.importing.errors import CellError
from kandidaten.importing.existing import Existing
from kandidaten.importing.hashing import hash_key, raw_hash, raw_hashes
from kandidaten.importing.read import RawSheet, read_file
from kandidaten.importing.result import SheetPlan
from kandidaten.importing.scope import Scope
from kandidaten.importing.store import CHANGED, GONE, HISTORY, NEW, REHASH, Discard, TemporaryTables
from kandidaten.models import Gebruiker
from tests.factories import make_user

from .files import KANDIDAAT_HEADER, csv_file, kandidaat_row, kandidaten_xlsx, rewrite_xlsx, xlsx

pytestmark = pytest.mark.django_db
KEY = hash_key("test")

KEYS = st.sampled_from(["1", "2", "3", "4", "5", "01", "007", "12", 3.0, 7.0, 12.5, -4.0, "", None, "abc", " 5", "١٢",
                        True, "5" * 51, "0", "00"])
CELLS = {
    "Bet. gemeente": st.sampled_from(["Epe", "Heerde", "Onbekendland", "", None, 5.0]),
    "Naam": st.sampled_from(["Jansen, J.", "  de  Vries ", "", "a\x00b", 12.0]),
    "Doelgroep": st.sampled_from(["Client PW", "WW", "", None]),
    "DGR": st.sampled_from(["DGR", "N", "J", "", "misschien", True]),
    "Sonar - Banenafspraken": st.sampled_from(["J", "N", "", 1.0]),
    "Sonar - Status": st.sampled_from(["Open", "Gesloten", "", "Half"]),
    "Sonar - Klantprofiel": st.sampled_from(["J", "N", "L", "O", "", None, "X"]),
    "Sonar - Participatieladder": st.sampled_from(["04 met groeipotentieel", "2", "", "9", "=", 3.0]),
    "Begeleider Compas": st.sampled_from(["A. de Vries", "B. Bakker", "", datetime.date(2026, 1, 2)]),
}


STORED_ROWS = [kandidaat_row("1"), kandidaat_row("2"), kandidaat_row("3", klantprofiel="J"), kandidaat_row("4"),
               kandidaat_row("5", gemeente="Heerde"), kandidaat_row("6", gemeente="Heerde")]


@st.composite
def sheet_rows(draw):
    rows = []
    for _ in range(draw(st.integers(0, 14))):
        kind = draw(st.sampled_from(["row", "row", "stored", "stored", "stored", "empty", "short"]))
        if kind == "stored":  # as the stored state has it (so possibly unchanged), or with one cell changed
            row = list(draw(st.sampled_from(STORED_ROWS)))
            if draw(st.booleans()):
                row[1] = float(row[1])
            if draw(st.booleans()):
                header = draw(st.sampled_from(list(CELLS)))
                row[KANDIDAAT_HEADER.index(header)] = draw(CELLS[header])
            rows.append(row)
            continue
        if kind == "empty":
            rows.append([draw(st.sampled_from([None, ""])) for _ in KANDIDAAT_HEADER])
            continue
        row = [draw(KEYS) if header == "Pers. nr." else draw(CELLS[header]) for header in KANDIDAAT_HEADER]
        rows.append(row[:draw(st.integers(2, len(row) - 1))] if kind == "short" else row)
    return rows


def _stored_state(tmp_path):
    """Clients 1-6 in the database, 4 of them no longer in the source, 5 and 6 of another gemeente; a user of Epe."""
    from kandidaten.models import Kandidaat, Module, Traject

    Module.objects.all().delete()
    Traject.objects.all().delete()
    Kandidaat.objects.all().delete()
    if not Gebruiker.objects.filter(username="epe").exists():
        make_user("epe", gemeenten=["Epe"])
    import_file(csv_file(tmp_path / "before.csv", [KANDIDAAT_HEADER, *STORED_ROWS]), original_name="before.csv")
    Kandidaat.objects.filter(pers_nr_sleutel="4").update(in_bron=False)


def _plan(rows, *, quick, scope=None, header=KANDIDAAT_HEADER, context=None):
    """The outcome of planning `rows`, by the quick pass where it can (quick) or row by row, and what it stored."""
    raw = RawSheet("Blad", rows_list=[header, *rows])
    layout = detect(raw.head())
    context = context or Context(datetime.date(2026, 11, 23), scope)
    store = TemporaryTables()
    original = plan.QuickPass.candidates
    if not quick:
        plan.QuickPass.candidates = lambda *args: None
    try:
        planned = plan.plan_sheet(raw, layout, context, store)
        return _outcome(planned, store, layout.export_type)
    finally:
        plan.QuickPass.candidates = original
        store.drop()


def _stored(store, kind, export_type):
    return sorted(store.rows(kind, export_type), key=repr)


def _outcome(planned, store, export_type):
    return {
        "rows": planned.rows_read,
        "counts": (planned.new, planned.changed, planned.unchanged),
        **{kind: _stored(store, kind, export_type) for kind in (NEW, CHANGED, REHASH, GONE, HISTORY)},
        "existing": planned.existing_in_source,
        "errors": [(error.row, error.column, error.value, error.message, error.values) for error in planned.errors],
        "sheet_errors": planned.sheet_errors,
        "warnings": planned.warnings,
        "field_changes": dict(planned.field_changes),
        "gemeenten": planned.gemeenten,
        "gone_sample": planned.gone_sample,
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=sheet_rows(), chunk_rows=st.sampled_from([1, 3, 4, 10_000]), user=st.sampled_from([None, "Epe"]))
def test_quick_pass_plans_every_sheet_as_row_by_row_does(tmp_path, monkeypatch, rows, chunk_rows, user):
    _stored_state(tmp_path)
    monkeypatch.setattr(plan, "CHUNK_ROWS", chunk_rows)
    scope = Scope(Gebruiker.objects.get(username="epe")) if user else None
    assert _plan(rows, quick=True, scope=scope) == _plan(rows, quick=False, scope=scope)


MODULE_HEADER = ["Pers. nr.", "Module-ID", "Traject-ID", "Startdatum", "Einddatum", "Opgeschort"]
MODULE_CELLS = {
    "Pers. nr.": st.sampled_from(["1", "02", 3.0, "5", "6", "99", "", "abc"]),  # 5 and 6: Heerde; 99: unknown
    "Module-ID": st.sampled_from(["11", "12", "013", 14.0, "15", "16", "17", "", None, "M1", " 12"]),
    "Traject-ID": st.sampled_from(["21", "22", "", None, "404", "T9"]),
    "Startdatum": st.sampled_from(["01-02-2026", "2026-03-01", "31-02-2026", "", datetime.date(2026, 1, 5)]),
    "Einddatum": st.sampled_from([None, "", "01-01-2026", "30-06-2026"]),
    "Opgeschort": st.sampled_from(["J", "N", "", "misschien"]),
}
STORED_MODULES = [["1", "11", "21", "01-02-2026", None, "N"], ["2", "12", "21", "01-02-2026", "30-06-2026", "J"],
                  ["3", "13", "22", "01-02-2026", None, "N"], ["5", "15", "", "01-02-2026", None, "N"],
                  ["6", "16", "22", "01-02-2026", None, "N"]]


@st.composite
def module_rows(draw):
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["row", "stored", "stored", "empty"]))
        if kind == "stored":
            row = list(draw(st.sampled_from(STORED_MODULES)))
            if draw(st.booleans()):
                header = draw(st.sampled_from(MODULE_HEADER))
                row[MODULE_HEADER.index(header)] = draw(MODULE_CELLS[header])
        elif kind == "empty":
            row = [None] * len(MODULE_HEADER)
        else:
            row = [draw(MODULE_CELLS[header]) for header in MODULE_HEADER]
        rows.append(row)
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=module_rows(), chunk_rows=st.sampled_from([1, 3, 10_000]), user=st.sampled_from([None, "Epe"]),
       without_traject=st.booleans())
def test_quick_pass_plans_every_modules_sheet_as_row_by_row_does(tmp_path, monkeypatch, rows, chunk_rows, user,
                                                                 without_traject):
    # Items: references by business key, the client's gemeente for scope and gone, a column that may be absent.
    _stored_state(tmp_path)
    import_file(csv_file(tmp_path / "t.csv", [["Pers. nr.", "Traject-ID", "Startdatum"], ["1", "21", "01-01-2026"],
                                              ["3", "22", "01-01-2026"]]), original_name="t.csv")
    import_file(csv_file(tmp_path / "m.csv", [MODULE_HEADER, *STORED_MODULES]), original_name="m.csv")
    header = MODULE_HEADER
    if without_traject:
        header = [column for column in MODULE_HEADER if column != "Traject-ID"]
        rows = [[cell for column, cell in zip(MODULE_HEADER, row, strict=True) if column != "Traject-ID"]
                for row in rows]
    monkeypatch.setattr(plan, "CHUNK_ROWS", chunk_rows)
    scope = Scope(Gebruiker.objects.get(username="epe")) if user else None
    assert _plan(rows, quick=True, scope=scope, header=header) == _plan(rows, quick=False, scope=scope, header=header)


def test_quick_pass_settles_unchanged_rows_of_number_and_text_keys(tmp_path):
    _stored_state(tmp_path)
    rows = [kandidaat_row(1.0, Naam="Jansen, 1."), kandidaat_row("2"), kandidaat_row("3", klantprofiel="J"),
            kandidaat_row("7")]
    quick = plan.QuickPass.candidates
    taken = []
    plan.QuickPass.candidates = lambda *args: taken.append(quick(*args)) or taken[-1]
    try:
        outcome = _plan(rows, quick=True)
    finally:
        plan.QuickPass.candidates = quick
    assert taken and taken[0] is not None, "the quick pass took the chunk"
    assert outcome["counts"] == (1, 0, 3)
    assert [row["pers_nr_sleutel"] for row in outcome[NEW]] == ["7"]


def _planner(rows):
    layout = detect([KANDIDAAT_HEADER])
    return plan.SheetPlanner(RawSheet("K", rows_list=[KANDIDAAT_HEADER, *rows]), layout,
                             Context(datetime.date(2026, 11, 23)), Discard(), SheetPlan("K", layout.export_type))


@pytest.mark.parametrize("rows, reason", [
    ([kandidaat_row("1"), kandidaat_row("01")], "a key twice"),
    ([kandidaat_row("1"), kandidaat_row(" 1")], "a plain key and the same key spelled otherwise"),
    ([kandidaat_row("1"), kandidaat_row(""), kandidaat_row("Jan")], "mostly rows without a plain key"),
])
def test_quick_pass_leaves_a_chunk_it_cannot_judge_to_the_row_by_row_path(rows, reason):
    assert plan.QuickPass(_planner(rows)).candidates(1, rows) is None, reason


def test_quick_pass_takes_the_plain_rows_of_a_noisy_chunk_and_hands_the_rest_on_in_file_order():
    noise = ["Subtotaal Epe", None, None, None, None, None, None, None, None, None]
    rows = [kandidaat_row("1"), [None] * len(KANDIDAAT_HEADER), noise, kandidaat_row(" 2"), kandidaat_row(3.0),
            KANDIDAAT_HEADER, kandidaat_row("4"), kandidaat_row("5"), kandidaat_row("6")]
    planner = _planner(rows)
    candidates = plan.QuickPass(planner).candidates(1, rows)
    assert [(candidate[0], candidate[3]) for candidate in candidates] == [
        (2, "1"), (5, "2"), (6, "3"), (8, "4"), (9, "5"), (10, "6")]
    assert [(error.row, error.column) for error in planner.plan.errors] == [(4, "Pers. nr.")]
    assert (planner.plan.rows_read, planner.repeated_headers) == (7, 1)


def test_a_reimport_with_a_few_changes_reads_only_their_stored_records(tmp_path):
    rows = [kandidaat_row(str(number)) for number in range(1, 41)]
    import_file(kandidaten_xlsx(tmp_path / "a.xlsx", rows), original_name="a.xlsx")
    rows[5] = kandidaat_row("6", klantprofiel="J")
    rows[39] = kandidaat_row("41")
    existing = Existing(TYPES["kandidaten"])
    outcome = _plan(rows, quick=True)
    assert (outcome["counts"], len(outcome[GONE])) == ((1, 1, 38), 1)
    assert existing.complete is False
    existing.read(["6", "41", "40"])
    assert existing.complete is False, "a few keys are read by key, not the whole table"
    assert existing.get("41") is None
    assert existing.get("6")[2] is True


def test_stored_hashes_are_read_for_records_in_the_source_whatever_their_hash(tmp_path):
    from kandidaten.models import Kandidaat, Traject
    from tests.factories import make_kandidaat, make_traject

    made_here = make_kandidaat(pers_nr="3")  # never imported (another gemeente than the file's): no hash
    make_kandidaat(pers_nr="4", in_bron=False)
    import_file(kandidaten_xlsx(tmp_path / "a.xlsx", [kandidaat_row("1"), kandidaat_row("02")]), original_name="a.xlsx")
    imported = dict(Kandidaat.objects.exclude(bron_hash="").values_list("pers_nr_sleutel", "bron_hash"))
    assert set(imported) == {"1", "2"}
    make_traject(made_here, traject_id="T1")

    assert Existing(TYPES["kandidaten"]).stored_hashes == {**imported, "3": ""}
    assert Existing(TYPES["trajecten"]).stored_hashes == dict(Traject.objects.values_list("sleutel", "bron_hash"))
    Traject.objects.all().delete()
    assert Existing(TYPES["trajecten"]).stored_hashes == {}


ANY_CELL = st.one_of(st.text(max_size=5), st.floats(allow_nan=False), st.integers(), st.booleans(), st.none(),
                    st.dates())


@given(width=st.integers(1, 4), data=st.data())
def test_hashing_a_chunk_gives_each_rows_own_hash(width, data):
    rows = data.draw(st.lists(st.tuples(st.text(max_size=4), st.tuples(*[ANY_CELL] * width)), max_size=12))
    assert raw_hashes(KEY, [key for key, _ in rows], [cells for _, cells in rows]) == [
        raw_hash(KEY, key, cells) for key, cells in rows
    ]


@pytest.mark.parametrize("one, other", [
    (("1", ("a",)), ("1", (1.0,))),
    (("1", ("1",)), ("1", (1,))),
    (("1", (1,)), ("1", (True,))),
    (("1", ("2026-01-02",)), ("1", (datetime.date(2026, 1, 2),))),
    (("1", ("a", "b")), ("1", ("a\x1fb", ""))),
    (("1", ("",)), ("1", (None,))),
])
def test_rows_that_could_normalise_differently_never_share_a_hash(one, other):
    assert raw_hash(KEY, *one) != raw_hash(KEY, *other)


NORMALISERS = [n.text, n.required_text, n.yes_no, n.klantprofiel, n.participatieladder, n.date, n.limited(3)]
COLUMN = st.lists(st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False),
                            st.sampled_from(["J", "n", "", " x ", "04", "1-2-2026", "a\x01"]), st.dates()),
                  max_size=20)


def _one_by_one(normaliser, cells):
    """What the normaliser makes of each cell on its own; ("fout", message) for a refused one."""
    expected = []
    for cell in cells:
        try:
            expected.append(normaliser(cell))
        except CellError as problem:
            expected.append(("fout", str(problem)))
    return expected


def _column(normaliser, cells, **options):
    column = ColumnNormaliser(normaliser, **options).column(cells)
    return [("fout", value.message) if isinstance(value, Failed) else value for value in column]


@pytest.mark.parametrize("normaliser", NORMALISERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("remember", [True, False])
@given(cells=COLUMN)
def test_a_column_normalises_as_its_cells_one_by_one(normaliser, remember, cells):
    assert _column(normaliser, cells, remember=remember, limit=3) == _one_by_one(normaliser, cells)


TEXT_COLUMN = st.lists(st.text(alphabet=st.sampled_from("ab  \t\n\xa0\x01é"), max_size=6), min_size=1, max_size=20)


@pytest.mark.parametrize("normaliser", [n.required_text, n.limited(3)], ids=["required_text", "limited_3"])
@given(cells=TEXT_COLUMN)
def test_a_column_of_text_takes_the_shortcut_only_where_it_gives_the_same_values(normaliser, cells):
    assert _column(normaliser, cells, remember=False) == _one_by_one(normaliser, cells)


def test_a_column_of_plain_names_is_trimmed_without_a_call_per_cell():
    assert n.plain_text_column([" Jan ", "Piet"], 200, required=True) == ["Jan", "Piet"]
    assert n.plain_text_column(["Jan", "  "], 200, required=True) is None  # blank: the cell's own error
    assert n.plain_text_column(["Jan  Klaas"], 200) is None  # inner spaces are folded cell by cell
    assert n.plain_text_column(["Jan", None], 200) is None


@pytest.mark.parametrize("first_column", [1, 3])
def test_a_sheet_that_starts_below_empty_rows_keeps_excel_row_numbers(tmp_path, first_column):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for offset, row in enumerate([KANDIDAAT_HEADER, kandidaat_row("1"), kandidaat_row("2", Naam="")]):
        for column, value in enumerate(row):
            sheet.cell(row=3 + offset, column=first_column + column, value=value)
    workbook.save(tmp_path / "c3.xlsx")
    outcome = import_file(tmp_path / "c3.xlsx", original_name="c3.xlsx", skip_invalid=True)
    assert outcome.status == "applied", outcome.message
    assert outcome.sheets[0]["new"] == 1
    assert outcome.sheets[0]["header_row"] == 3
    assert [(error["row"], error["column"]) for error in outcome.sheets[0]["first_errors"]] == [(5, "Naam")]


def test_a_sheet_calamine_cannot_parse_is_refused_as_unreadable(tmp_path):
    def damage(name, data):
        if name.startswith("xl/worksheets/sheet"):
            return data.replace(b"<sheetData>", b'<sheetData><row r="x"><c><v>1</v></c></row>')
        return data

    good = kandidaten_xlsx(tmp_path / "goed.xlsx", [kandidaat_row("1")])
    outcome = import_file(rewrite_xlsx(good, tmp_path / "kapot.xlsx", damage), original_name="kapot.xlsx")
    assert (outcome.status, outcome.exit_code) == ("refused", 2)
    assert outcome.message.startswith("kapot.xlsx kan niet worden gelezen")


def test_a_sheet_over_the_row_limit_is_refused_after_its_scan(tmp_path, settings):
    settings.IMPORT_MAX_ROWS_PER_SHEET = 3
    path = kandidaten_xlsx(tmp_path / "groot.xlsx", [kandidaat_row(str(number)) for number in range(1, 30)])
    outcome = import_file(path, original_name="groot.xlsx")
    assert (outcome.status, outcome.exit_code) == ("refused", 2)
    assert "meer dan 3 rijen" in outcome.message


def test_every_sheet_of_a_workbook_is_read_with_its_own_scan(tmp_path):
    path = xlsx(tmp_path / "two.xlsx", {"A": [KANDIDAAT_HEADER, kandidaat_row("1")],
                                        "B": [KANDIDAAT_HEADER, kandidaat_row("2"), kandidaat_row("3")]})
    first, second = read_file(path, "two.xlsx")
    assert [row[1] for row in first.iter_rows()] == ["Pers. nr.", "1"]
    assert [row[1] for row in second.iter_rows()] == ["Pers. nr.", "2", "3"]
    assert (first.expected_rows, second.expected_rows) == (2, 3)


def test_an_import_of_a_big_unchanged_chunk_still_counts_every_row(tmp_path, monkeypatch):
    monkeypatch.setattr(plan, "CHUNK_ROWS", 5)
    rows = [kandidaat_row(str(number)) for number in range(1, 23)]
    path = kandidaten_xlsx(tmp_path / "k.xlsx", rows)
    import_file(path, original_name="k.xlsx")
    outcome = import_file(path, original_name="k.xlsx")
    assert (outcome.sheets[0]["rows"], outcome.sheets[0]["unchanged"], outcome.sheets[0]["gone"]) == (22, 22, 0)

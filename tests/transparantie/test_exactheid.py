"""The acceptance test that matters most: UWV's published Q2 2025 table, rebuilt as one client per counted person
and imported through the real importer, comes back in every cell; a perturbed copy gives the perturbed table.

The fixture (tests/transparantie/uwv_fixture.py) writes its export as exports do (aliases, case, spaces, Pers. nr.
as numbers, title rows, Indicering beside Doelgroep, beschut werkers without the banenafspraak box, rows the
teldefinitie excludes, 18 counted clients without a gemeente). Expected values come from UWV's table and from
the fixture's own count of its changes, never from the code under test.
"""

import copy
import csv
import io

import pytest
from django.core.management import call_command

from kandidaten.models import Gemeente
from kandidaten.selectors import transparantie

from . import exports, uwv_fixture
from .exports import datum

pytestmark = pytest.mark.django_db

Q2 = datum("30-06-2025")
Q3 = datum("30-09-2025")
KOLOMMEN = ["gemeente_profiel", "gemeente_geen_profiel", "uwv_profiel", "uwv_geen_profiel", "totaal_in_sonar"]
# The 35 "Totaal AMR" rows of UWV's publication (seed 003), in region order: checked against the report as
# published, not as summed by us.
UWV_TOTAAL_AMR = [
    (392, 3377, 5460, 1373, 10602), (383, 3066, 4358, 1108, 8915), (405, 2648, 4109, 972, 8134),
    (120, 1442, 1914, 696, 4172), (1368, 1557, 3818, 1135, 7878), (122, 1789, 2432, 920, 5263),
    (119, 845, 1472, 423, 2859), (898, 288, 1614, 230, 3030), (357, 2889, 4725, 1206, 9177),
    (164, 3907, 3547, 2033, 9651), (869, 2298, 3031, 1149, 7347), (121, 622, 729, 308, 1780),
    (383, 1266, 2127, 194, 3970), (432, 2191, 3572, 647, 6842), (109, 1264, 1613, 472, 3458),
    (250, 1133, 1832, 454, 3669), (175, 1173, 1861, 735, 3944), (57, 1298, 1411, 303, 3069),
    (179, 479, 956, 132, 1746), (70, 3448, 2911, 1286, 7715), (111, 2019, 3101, 1113, 6344),
    (326, 5780, 7179, 2052, 15337), (241, 670, 1081, 413, 2405), (29, 359, 637, 173, 1198),
    (289, 1476, 2176, 364, 4305), (40, 1340, 1398, 696, 3474), (256, 3278, 3133, 1309, 7976),
    (176, 2270, 2245, 1153, 5844), (94, 1084, 1250, 625, 3053), (601, 1659, 1974, 562, 4796),
    (413, 949, 1882, 369, 3613), (240, 982, 1479, 401, 3102), (653, 1498, 2254, 539, 4944),
    (261, 839, 1477, 317, 2894), (1290, 2024, 4370, 765, 8449),
]


def _cellen(rij):
    a = rij.aantallen
    return {"gemeente_profiel": a.gemeente_profiel, "gemeente_geen_profiel": a.gemeente_geen_profiel,
            "uwv_profiel": a.uwv_profiel, "uwv_geen_profiel": a.uwv_geen_profiel, "totaal_in_sonar": a.totaal}


def rapport_als_tabel(datum_):
    rapport = transparantie.rapport(Gemeente.objects.all(), datum_)
    return {(rij.regio, rij.gemeente): _cellen(rij) for rij in rapport.rijen if rij.soort in ("gemeente", "onbekend")}


def command_csv(stand):
    out = io.StringIO()
    call_command("transparantie", "--stand", stand.isoformat(), "--csv", stdout=out)
    return list(csv.reader(io.StringIO(out.getvalue())))


def als_tabel(csv_rows):
    """{(regio, gemeente): {cell: n}} from the command's CSV (its own column names checked separately)."""
    _header, *rows = csv_rows
    return {(row[0], row[1]): dict(zip(KOLOMMEN, map(int, row[2:]), strict=True)) for row in rows}


def test_importing_uwvs_table_gives_it_back_in_every_cell(uwv_export):
    fixture, path = uwv_export
    outcome = exports.importeer(path, Q2)
    assert outcome.sheets[0]["rows"] == len(fixture.klanten)

    verwacht = fixture.tabel()
    assert rapport_als_tabel(Q2) == verwacht
    assert verwacht[("Onbekend", "Onbekend")]["totaal_in_sonar"] == 18

    rapport = transparantie.rapport(Gemeente.objects.all(), Q2)
    regio_rijen = [rij for rij in rapport.rijen if rij.soort == "regio"]
    assert [tuple(_cellen(rij).values()) for rij in regio_rijen] == UWV_TOTAAL_AMR
    assert _cellen(rapport.rijen[-1]) == uwv_fixture.NEDERLAND
    assert (rapport.rijen[-1].regio, rapport.rijen[-1].gemeente) == ("Nederland", "Totaal")

    # The command's CSV says the same, in UWV's column order, ending on the national row.
    rows = command_csv(Q2)
    assert rows[0] == ["arbeidsmarktregio", "gemeente", "gemeenteklanten_profiel", "gemeenteklanten_geen_profiel",
                       "uwv_klanten_profiel", "uwv_klanten_geen_profiel", "totaal_in_sonar"]
    tabel = als_tabel(rows)
    assert {key: value for key, value in tabel.items() if key[1] != "Totaal AMR" and key[0] != "Nederland"} == verwacht
    assert rows[-1] == ["Nederland", "Totaal", "11994", "63207", "89136", "26636", "190973"]
    assert [tuple(map(int, row[2:])) for row in rows if row[1] == "Totaal AMR"] == UWV_TOTAAL_AMR


def test_a_perturbed_copy_gives_the_perturbed_table_and_leaves_the_quarter_before_as_it_was(uwv_export):
    fixture, path = uwv_export
    exports.importeer(path, Q2)
    gewijzigd = copy.deepcopy(fixture)
    gewijzigd.perturb(seed=7)
    verwacht = gewijzigd.tabel()
    assert verwacht != fixture.tabel()  # the perturbation changed counts

    # The next quarter's export, as Dutch Excel saves a CSV (";", Windows-1252), Pers. nr. as text.
    tweede = exports.csv_export(path.parent / "uwv-verstoord.csv", gewijzigd.rows(uwv_fixture.schrijfwijzen()))
    try:
        exports.importeer(tweede, Q3)
    finally:
        tweede.unlink()

    if not verwacht[("Onbekend", "Onbekend")]["totaal_in_sonar"]:
        del verwacht[("Onbekend", "Onbekend")]  # the report has an Onbekend row only when someone is unknown
    assert rapport_als_tabel(Q3) == verwacht
    assert als_tabel(command_csv(Q3))[("Nederland", "Totaal")] == {
        kolom: sum(cellen[kolom] for cellen in verwacht.values()) for kolom in KOLOMMEN}
    # As of Q2 the report still gives UWV's table: the stored state, not today's data relabelled.
    assert rapport_als_tabel(Q2) == fixture.tabel()

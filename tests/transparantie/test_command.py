"""`manage.py transparantie`: the CSV contract, name matching like the importer, errors that say what is wrong."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from .exports import datum, importeer, klant, xlsx

pytestmark = pytest.mark.django_db
Q2 = datum("30-06-2025")
HEADER = ("arbeidsmarktregio,gemeente,gemeenteklanten_profiel,gemeenteklanten_geen_profiel,uwv_klanten_profiel,"
          "uwv_klanten_geen_profiel,totaal_in_sonar")


def run(*args):
    out = io.StringIO()
    call_command("transparantie", *args, stdout=out)
    return out.getvalue()


def csv_rows(*args):
    return list(csv.reader(io.StringIO(run(*args, "--csv"))))


@pytest.fixture
def geimporteerd(tmp_path):
    importeer(xlsx(tmp_path / "k.xlsx", [
        klant(1, gemeente="s Gravenhage", klantprofiel="J"), klant(2, gemeente="Den Haag", doelgroep="WW"),
        klant(3, gemeente="DELFT", doelgroep="Wajong", klantprofiel="J"), klant(4, gemeente="epe"),
        klant(5, gemeente=""), klant(6, gemeente="Epe", status="Gesloten"),
    ]), Q2)


def test_the_csv_has_uwvs_columns_official_names_region_totals_onbekend_and_the_national_row(geimporteerd):
    output = run("--stand", "2025-06-30", "--csv")
    assert output.splitlines()[0] == HEADER
    # Regions in UWV's order (by number), gemeenten as UWV sorts them ('s-Gravenhage under s).
    assert list(csv.reader(io.StringIO(output)))[1:] == [
        ["Veluwe Stedendriehoek", "Epe", "0", "1", "0", "0", "1"],
        ["Veluwe Stedendriehoek", "Totaal AMR", "0", "1", "0", "0", "1"],
        ["Haaglanden", "Delft", "0", "0", "1", "0", "1"],
        ["Haaglanden", "'s-Gravenhage", "1", "0", "0", "1", "2"],
        ["Haaglanden", "Totaal AMR", "1", "0", "1", "1", "3"],
        ["Onbekend", "Onbekend", "0", "1", "0", "0", "1"],
        ["Nederland", "Totaal", "1", "2", "1", "1", "5"],
    ]


def test_without_unknown_clients_there_is_no_onbekend_row(tmp_path):
    importeer(xlsx(tmp_path / "k.xlsx", [klant(1), klant(2, gemeente="Heerde")]), Q2)
    rows = csv_rows("--stand", "2025-06-30")
    assert [row[1] for row in rows[1:]] == ["Epe", "Heerde", "Totaal AMR", "Totaal"]
    assert rows[-1] == ["Nederland", "Totaal", "0", "2", "0", "0", "2"]


def test_regio_and_gemeente_are_matched_like_the_importer_matches_names(geimporteerd):
    rows = csv_rows("--stand", "2025-06-30", "--gemeente", " den haag ")
    assert rows[1:] == [
        ["Haaglanden", "'s-Gravenhage", "1", "0", "0", "1", "2"],
        ["Haaglanden", "Totaal AMR", "1", "0", "0", "1", "2"],
        ["Nederland", "Totaal", "1", "0", "0", "1", "2"],  # the total of the selection; the label marks the row
    ]
    assert csv_rows("--stand", "2025-06-30", "--regio", "HAAGLANDEN") == csv_rows(
        "--stand", "2025-06-30", "--regio", "20")
    assert [row[1] for row in csv_rows("--stand", "2025-06-30", "--regio", "haaglanden")[1:]] == [
        "Delft", "'s-Gravenhage", "Totaal AMR", "Totaal"]


@pytest.mark.parametrize(("args", "message"), [
    (["--gemeente", "Atlantis"], "Gemeente 'Atlantis' bestaat niet."),
    (["--regio", "Atlantis"], "Arbeidsmarktregio 'Atlantis' bestaat niet"),
    (["--regio", "99"], "Arbeidsmarktregio '99' bestaat niet"),
    (["--stand", "31-02-2025"], "--stand: ongeldige datum '31-02-2025'"),
    (["--stand", "31-12-9999"], "--stand: datum '31-12-9999' ligt niet tussen 1900 en 2100"),
])
def test_an_unknown_name_or_a_wrong_date_is_a_clear_error(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_from_the_command_line_an_unknown_name_exits_with_1_and_says_why(capsys):
    from kandidaten.management.commands.transparantie import Command

    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["manage.py", "transparantie", "--gemeente", "Atlantis", "--csv"])
    assert exit_.value.code == 1
    captured = capsys.readouterr()
    assert "Gemeente 'Atlantis' bestaat niet." in captured.err and captured.out == ""


def test_the_stand_chooses_the_state(tmp_path):
    importeer(xlsx(tmp_path / "a.xlsx", [klant(1)]), Q2)
    importeer(xlsx(tmp_path / "b.xlsx", [klant(1), klant(2)]), datum("30-09-2025"))
    assert csv_rows("--stand", "2025-07-15")[-1][-1] == "1"
    assert csv_rows("--stand", "2025-09-30")[-1][-1] == "2"
    assert csv_rows("--stand", "2025-06-29")[1:] == [["Nederland", "Totaal", "0", "0", "0", "0", "0"]]


def test_without_csv_the_output_is_a_readable_table(tmp_path):
    importeer(xlsx(tmp_path / "a.xlsx", [klant(n, klantprofiel="J" if n % 3 else "N") for n in range(1, 1201)]), Q2)
    output = run("--stand", "2025-06-30")
    assert output.startswith("Transparantie van klantprofielen, situatie op 30-06-2025\nstand 30-06-2025\n")
    epe = next(line for line in output.splitlines() if " Epe " in line)
    assert epe.split()[-6:] == ["800", "400", "0", "0", "1.200", "67%"]
    assert "Geen gegevens" in run("--stand", "2020-01-01")

"""Who counts in the report, and in which column: DOMAIN.md's teldefinitie, through the real importer."""

import pytest

from .exports import HEADER, datum, importeer, klant, xlsx
from .helpers import cellen, rapport, rij

pytestmark = pytest.mark.django_db
Q2 = datum("30-06-2025")


def report_of(tmp_path, rows, header=HEADER):
    importeer(xlsx(tmp_path / "k.xlsx", rows, header=header), Q2)
    return rapport(Q2)


def test_a_beschut_werker_without_the_banenafspraak_box_counts(tmp_path):
    uitkomst = report_of(tmp_path, [
        klant(1, banenafspraak="N", beschut="J"),
        klant(2, banenafspraak="", beschut="J", klantprofiel="J"),
        klant(3, banenafspraak="N", beschut="N"),  # neither: not in the doelgroep banenafspraak
    ])
    assert cellen(rij(uitkomst, "Epe")) == (1, 1, 0, 0, 2)


def test_an_empty_klantprofiel_counts_as_leeg_so_without_a_profile(tmp_path):
    uitkomst = report_of(tmp_path, [
        klant(1, klantprofiel=""), klant(2, klantprofiel="Leeg"), klant(3, klantprofiel="O"),
        klant(4, klantprofiel="nee"), klant(5, klantprofiel="Ja"), klant(6, klantprofiel="j"),
    ])
    assert cellen(rij(uitkomst, "Epe")) == (2, 4, 0, 0, 6)
    assert rij(uitkomst, "Epe").aantallen.aandeel_profiel == 33


def test_the_indicering_column_decides_klant_van_over_the_doelgroep(tmp_path):
    uitkomst = report_of(tmp_path, [
        klant(1, doelgroep="Client PW", indicering="UWV"),  # the column wins over a gemeente doelgroep
        klant(2, doelgroep="Wajong", indicering="gemeente", klantprofiel="J"),
        klant(3, doelgroep="Wajong", indicering=""),  # no Indicering: the doelgroep table decides
        klant(4, doelgroep="Regeling X", indicering="uwv"),  # an unknown doelgroep does not matter then
    ])
    assert cellen(rij(uitkomst, "Epe")) == (1, 0, 0, 3, 4)


def test_an_unknown_doelgroep_without_indicering_counts_in_onbekend_not_in_its_gemeente(tmp_path):
    uitkomst = report_of(tmp_path, [
        klant(1, doelgroep="Regeling X"), klant(2, doelgroep="Regeling X", klantprofiel="J"), klant(3),
    ])
    assert cellen(rij(uitkomst, "Epe")) == (0, 1, 0, 0, 1)
    onbekend = rij(uitkomst, "Onbekend")
    assert onbekend.aantallen.totaal == 2 and onbekend.aantallen.klant_van_onbekend == 2
    assert onbekend.aantallen.aandeel_profiel == 50
    assert cellen(rij(uitkomst, "Totaal")) == (0, 1, 0, 0, 3)  # counted once, never dropped


def test_closed_without_dgr_or_without_banenafspraak_do_not_count(tmp_path):
    uitkomst = report_of(tmp_path, [
        klant(1, status="Gesloten"), klant(2, status=""), klant(3, dgr="N"), klant(4, dgr=""),
        klant(5, banenafspraak="N"), klant(6, dgr="Ja", status="OPEN"),
    ])
    assert cellen(rij(uitkomst, "Epe")) == (0, 1, 0, 0, 1)


def test_a_client_without_a_gemeente_or_with_an_unknown_one_counts_in_onbekend(tmp_path):
    uitkomst = report_of(tmp_path, [
        klant(1, gemeente=""), klant(2, gemeente="Atlantis", doelgroep="WW", klantprofiel="J"), klant(3),
    ])
    assert cellen(rij(uitkomst, "Onbekend")) == (0, 1, 1, 0, 2)
    assert rij(uitkomst, "Onbekend").regio == "Onbekend"
    assert cellen(rij(uitkomst, "Totaal")) == (0, 2, 1, 0, 3)


def test_gemeente_spellings_of_real_exports_find_the_official_gemeente(tmp_path):
    uitkomst = report_of(tmp_path, [
        klant(1, gemeente="s Gravenhage"), klant(2, gemeente="Den Haag"), klant(3, gemeente=" 's-GRAVENHAGE "),
        klant(4, gemeente="Bergen NH"), klant(5, gemeente="BERGEN  (NH.)"), klant(6, gemeente="sudwest fryslan"),
    ])
    assert rij(uitkomst, "'s-Gravenhage").aantallen.totaal == 3
    assert rij(uitkomst, "Bergen (NH.)").aantallen.totaal == 2
    assert rij(uitkomst, "Súdwest-Fryslân").aantallen.totaal == 1
    assert rij(uitkomst, "Onbekend") is None


def test_pers_nr_as_a_number_and_as_text_with_zeros_is_one_client(tmp_path):
    importeer(xlsx(tmp_path / "a.xlsx", [klant(7974), klant(12)]), Q2)
    q3 = datum("30-09-2025")
    importeer(xlsx(tmp_path / "b.xlsx", [klant("07974", klantprofiel="J"), klant("0012")]), q3)
    assert cellen(rij(rapport(q3), "Epe")) == (1, 1, 0, 0, 2)


def test_clients_no_longer_in_the_source_stop_counting(tmp_path):
    importeer(xlsx(tmp_path / "a.xlsx", [klant(1), klant(2)]), Q2)
    q3 = datum("30-09-2025")
    importeer(xlsx(tmp_path / "b.xlsx", [klant(1)]), q3)
    assert rij(rapport(q3), "Epe").aantallen.totaal == 1
    assert rij(rapport(Q2), "Epe").aantallen.totaal == 2


def test_empty_rows_and_a_footer_line_of_the_export_count_nowhere(tmp_path):
    rows = [klant(1), ["", "", "", "", "", "", "", "", "", ""], klant(2, gemeente="  epe "),
            ["Aantal kandidaten: 2", "", "", "", "", "", "", "", "", ""]]
    outcome = importeer(xlsx(tmp_path / "k.xlsx", rows), Q2, skip_invalid=True)
    assert outcome.sheets[0]["error_rows"] == 1  # the footer: no Pers. nr., skipped with a row error
    uitkomst = rapport(Q2)
    assert cellen(rij(uitkomst, "Epe")) == (0, 2, 0, 0, 2)
    assert rij(uitkomst, "Onbekend") is None

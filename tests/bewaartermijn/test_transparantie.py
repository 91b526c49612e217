"""A purge leaves the transparency report of past quarters as it was (its stored counts hold no personal data)."""

import datetime
import io

import pytest
from django.core.management import call_command

from kandidaten.importing import import_file
from kandidaten.models import Import, Kandidaat, KandidaatWijziging
from tests.importing.files import KANDIDAAT_HEADER, kandidaat_row, xlsx

from .conftest import opschonen

pytestmark = pytest.mark.django_db


def importeer(path, stand):
    record = Import.objects.create(bestandsnaam=path.name, stand=stand)
    outcome = import_file(path, import_record=record, confirm_mass_gone=True)
    assert outcome.status == "applied", outcome.message
    return outcome


def rapport(stand):
    out = io.StringIO()
    call_command("transparantie", "--stand", stand, "--csv", stdout=out)
    return out.getvalue()


def test_a_purge_leaves_a_past_quarters_report_unchanged(tmp_path):
    # Q2 2024: four counted clients (messy: title rows, a number as Pers. nr., a gemeente as exports spell it);
    # Q3 2024: two of them have left the source.
    rijen = [kandidaat_row(7974, gemeente="EPE"), kandidaat_row("08001", gemeente=" Heerde "),
             kandidaat_row(8002.0, gemeente="Epe", klantprofiel="J"), kandidaat_row("8003", gemeente="heerde")]
    importeer(xlsx(tmp_path / "q2.xlsx", {"Export": [["Kandidaten per 30-06-2024"], [], KANDIDAAT_HEADER, *rijen]}),
              datetime.date(2024, 6, 30))
    importeer(xlsx(tmp_path / "q3.xlsx", {"Export": [KANDIDAAT_HEADER, *rijen[:2]]}), datetime.date(2024, 9, 30))
    Kandidaat.objects.filter(in_bron=False).update(niet_in_bron_sinds=datetime.date(2024, 9, 30))
    voor = rapport("2024-06-30"), rapport("2024-09-30")
    assert voor[0].splitlines()[-1] == "Nederland,Totaal,1,3,0,0,4"

    assert opschonen("--peildatum", "2026-12-01")["kandidaten"] == 2  # gone more than 24 months

    assert Kandidaat.objects.count() == 2 and not KandidaatWijziging.objects.exclude(
        kandidaat__in=Kandidaat.objects.all()).exists()
    assert (rapport("2024-06-30"), rapport("2024-09-30")) == voor

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from kandidaten.models import AuditEvent, Kandidaat
from tests.factories import make_kandidaat

PEILDATUM = datetime.date(2026, 6, 15)


def weg_sinds(datum, gemeente_naam="Epe", **fields):
    """A client no longer in the source since `datum` (as the importer leaves one)."""
    kandidaat = make_kandidaat(gemeente_naam, **fields)
    Kandidaat.objects.filter(pk=kandidaat.pk).update(in_bron=False, niet_in_bron_sinds=datum)
    kandidaat.refresh_from_db()
    return kandidaat


def item_weg_sinds(item, datum):
    type(item).objects.filter(pk=item.pk).update(in_bron=False, niet_in_bron_sinds=datum)


def auditregel_op(tijdstip, omschrijving="Kandidaat 07974 (12)"):
    """An audit record written at `tijdstip` (the log refuses updates: the test goes around it on purpose)."""
    event = AuditEvent.record(None, AuditEvent.Actie.KANDIDAAT_BEKEKEN, omschrijving)
    models.QuerySet.update(AuditEvent.objects.filter(pk=event.pk), tijdstip=tijdstip)
    return event


def lokaal(jaar, maand, dag, uur=0, minuut=0, seconde=0):
    return timezone.make_aware(datetime.datetime(jaar, maand, dag, uur, minuut, seconde))


def opschonen(*args):
    """Run the command with --json; returns the parsed counts."""
    out = io.StringIO()
    call_command("opschonen", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def peildatum():
    return PEILDATUM

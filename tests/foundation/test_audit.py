import pytest

from kandidaten.models import AuditEvent


@pytest.mark.django_db
def test_the_audit_log_is_append_only(medewerker_epe):
    event = AuditEvent.record(medewerker_epe, AuditEvent.Actie.EXPORT, "Kandidatenlijst", aantal_rijen=3)
    assert event.gebruikersnaam == "medewerker.epe"
    event.omschrijving = "anders"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(omschrijving="x")
    assert AuditEvent.objects.get().omschrijving == "Kandidatenlijst"

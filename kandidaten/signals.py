"""Keep stored derived fields and counts true when beheer edits a record."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import Datastand, Doelgroep, Gebruiker, Kandidaat, KlantVan, Module, Plaatsing, Traject


@receiver(post_save, sender=Doelgroep)
def rederive_klant_van(sender, instance, **kwargs):
    # Only clients without an explicit Indicering take klant van from the doelgroep table.
    from .keys import doelgroep_sleutel

    ids, gemeenten = [], set()
    for pk, doelgroep, gemeente_id in (
        Kandidaat.objects.filter(indicering=KlantVan.ONBEKEND).values_list("pk", "doelgroep", "gemeente_id").iterator()
    ):
        if doelgroep_sleutel(doelgroep) == instance.sleutel:
            ids.append(pk)
            gemeenten.add(gemeente_id)
    Kandidaat.objects.filter(pk__in=ids).update(klant_van=instance.klant_van)
    Datastand.verhoog()  # the clients' klant van changed: a new state of the data (an open preview is stale)
    if ids:
        _transparantie_gecorrigeerd(gemeenten)  # their gemeenten, read in the same pass


@receiver(m2m_changed, sender=Gebruiker.gemeenten.through)
def scope_changed(sender, action, **kwargs):
    """The candidate list caches its option lists per data generation: a changed scope needs a new one."""
    if action in ("post_add", "post_remove", "post_clear"):
        Datastand.verhoog()


@receiver(post_save, sender=Kandidaat)
@receiver(post_save, sender=Traject)
@receiver(post_save, sender=Module)
@receiver(post_save, sender=Plaatsing)
@receiver(post_delete, sender=Kandidaat)
@receiver(post_delete, sender=Traject)
@receiver(post_delete, sender=Module)
@receiver(post_delete, sender=Plaatsing)
def new_data_generation(sender, **kwargs):
    """A correction in the admin changes what the panel counts and the list offers: a new generation.

    The importer writes in bulk (no signals) and raises the generation itself, in its transaction."""
    Datastand.verhoog()


# --- the transparency report: a correction is recorded under today's date (docs/transparantie.md) ---------

_TELT_MEE = ("gemeente_id", "in_bron", "telt_in_sonar", "klant_van", "klantprofiel")


def _transparantie_gecorrigeerd(gemeente_ids):
    from django.utils import timezone

    from .models.transparantie import Bron
    from .services.transparantie import leg_stand_vast

    leg_stand_vast(stand=timezone.localdate(), gemeente_ids=gemeente_ids, bron=Bron.CORRECTIE)


@receiver(pre_save, sender=Kandidaat)
def remember_what_counted(sender, instance, raw=False, **kwargs):
    if instance.pk and not raw:
        instance._telde_als = Kandidaat.objects.filter(pk=instance.pk).values_list(*_TELT_MEE).first()


@receiver(post_save, sender=Kandidaat)
def record_corrected_count(sender, instance, raw=False, **kwargs):
    """An edit that changes what the report counts (not, say, a new begeleider) records today's state."""
    if raw:
        return
    before = getattr(instance, "_telde_als", None)
    now = tuple(getattr(instance, veld) for veld in _TELT_MEE)
    if before == now or (before is None and not instance.telt_in_sonar):
        return
    _transparantie_gecorrigeerd({now[0]} | ({before[0]} if before else set()))


@receiver(post_delete, sender=Kandidaat)
def record_deleted_count(sender, instance, **kwargs):
    # A purge deletes clients long gone from the source: they count nowhere, nothing to record.
    if instance.in_bron and instance.telt_in_sonar:
        _transparantie_gecorrigeerd({instance.gemeente_id})

"""Keep stored derived fields and counts true when beheer edits a record."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Datastand, Doelgroep, Gebruiker, Kandidaat, KlantVan, Module, Plaatsing, Traject


@receiver(post_save, sender=Doelgroep)
def rederive_klant_van(sender, instance, **kwargs):
    # Only clients without an explicit Indicering take klant van from the doelgroep table.
    from .keys import doelgroep_sleutel

    ids = [
        pk
        for pk, doelgroep in Kandidaat.objects.filter(indicering=KlantVan.ONBEKEND)
        .values_list("pk", "doelgroep")
        .iterator()
        if doelgroep_sleutel(doelgroep) == instance.sleutel
    ]
    Kandidaat.objects.filter(pk__in=ids).update(klant_van=instance.klant_van)
    Datastand.verhoog()  # the clients' klant van changed: a new state of the data (an open preview is stale)


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

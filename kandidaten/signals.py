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


@receiver(m2m_changed, sender=Gebruiker.gemeenten.through)
@receiver(post_save, sender=Kandidaat)
@receiver(post_save, sender=Doelgroep)
def new_options_generation(sender, **kwargs):
    """The candidate list caches its option lists per user; a changed scope or client makes them stale."""
    from .selectors.kandidaten import bump_options_generation

    bump_options_generation()


@receiver(post_save, sender=Kandidaat)
@receiver(post_save, sender=Traject)
@receiver(post_save, sender=Module)
@receiver(post_save, sender=Plaatsing)
@receiver(post_delete, sender=Kandidaat)
@receiver(post_delete, sender=Traject)
@receiver(post_delete, sender=Module)
@receiver(post_delete, sender=Plaatsing)
def new_data_generation(sender, **kwargs):
    """A correction in the admin changes what the panel counts: its stored counts become stale.

    The importer writes in bulk (no signals) and raises the generation itself, in its transaction."""
    Datastand.verhoog()

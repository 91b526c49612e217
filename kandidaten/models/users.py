from django.contrib.auth.models import AbstractUser
from django.db import models


class Gebruiker(AbstractUser):
    """A member of staff. Sees only clients of the gemeenten assigned here."""

    gemeenten = models.ManyToManyField(
        "kandidaten.Gemeente",
        blank=True,
        related_name="gebruikers",
        help_text="De gebruiker ziet alleen kandidaten van deze gemeenten.",
    )
    begeleider_naam = models.CharField(
        "begeleidernaam",
        max_length=200,
        blank=True,
        help_text='Zoals in de kolom "Begeleider Compas", voor "Mijn kandidaten".',
    )

    class Meta:
        verbose_name = "gebruiker"
        verbose_name_plural = "gebruikers"

"""A user's subscription to a daily or weekly e-mail of her own signal panel ("Abonneren").

The bookkeeping fields make `verstuur_abonnementen` safe to run from cron every hour, also when two runs
overlap: a run claims a subscription for a period with one conditional UPDATE before it sends
(`services.abonnementen`), and marks the period sent only after the mail went out.
"""

from django.conf import settings
from django.db import models


class Abonnement(models.Model):
    class Frequentie(models.TextChoices):
        DAGELIJKS = "dagelijks", "Dagelijks"
        WEKELIJKS = "wekelijks", "Wekelijks"

    class Weekdag(models.IntegerChoices):
        # date.weekday()'s numbers
        MAANDAG = 0, "maandag"
        DINSDAG = 1, "dinsdag"
        WOENSDAG = 2, "woensdag"
        DONDERDAG = 3, "donderdag"
        VRIJDAG = 4, "vrijdag"
        ZATERDAG = 5, "zaterdag"
        ZONDAG = 6, "zondag"

    gebruiker = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="abonnement")
    actief = models.BooleanField("e-mail ontvangen", default=True)
    frequentie = models.CharField(max_length=10, choices=Frequentie.choices, default=Frequentie.WEKELIJKS)
    weekdag = models.PositiveSmallIntegerField(
        choices=Weekdag.choices, default=Weekdag.MAANDAG,
        help_text="Bij wekelijks: de e-mail komt op of na deze dag, één keer per week.",
    )
    # The panel's narrowing the mail counts with (the user's scope always applies): empty = not narrowed.
    begeleider = models.CharField(max_length=200, blank=True)
    uitvoerende = models.CharField(max_length=200, blank=True)

    # The period ("2026-12-07", or "2026-W50" for weekly) of the last mail that went out, and what it said:
    # the next mail shows the change since then.
    verzonden_periode = models.CharField(max_length=10, blank=True, editable=False)
    laatst_verzonden = models.DateTimeField(null=True, blank=True, editable=False)
    vorige_peildatum = models.DateField(null=True, blank=True, editable=False)
    vorige_tellingen = models.JSONField(default=dict, blank=True, editable=False)
    # A run that is sending this subscription's mail right now: for which period, since when.
    geclaimd_periode = models.CharField(max_length=10, blank=True, editable=False)
    geclaimd_op = models.DateTimeField(null=True, blank=True, editable=False)

    aangemaakt = models.DateTimeField(auto_now_add=True)
    opgezegd = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "e-mailabonnement"
        verbose_name_plural = "e-mailabonnementen"

    def __str__(self):
        return f"{self.gebruiker} ({self.get_frequentie_display().lower()})"

    def periode_op(self, peildatum):
        return periode(self.frequentie, peildatum)


def periode(frequentie, peildatum):
    """The period `peildatum` falls in: its day for a daily subscription, its ISO week for a weekly one."""
    if frequentie == Abonnement.Frequentie.DAGELIJKS:
        return peildatum.isoformat()
    jaar, week, _dag = peildatum.isocalendar()
    return f"{jaar}-W{week:02d}"

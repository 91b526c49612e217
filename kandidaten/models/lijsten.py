"""What a user keeps of the lists: the columns they chose, and named filter sets ("Mijn lijsten")."""

from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.db import models
from django.urls import Resolver404, resolve

# The pages whose filters can be saved, by URL name; a saved list is only ever one of these.
PAGINA_S = {
    "kandidaten:lijst": "Kandidaten",
    "kandidaten:profiel_nodig": "Profiel nodig",
    "overzicht": "Overzicht",
    "signalen:lijst": "Signalen",
}
# Never part of a saved list: where the list was (page), a download, a form token.
_NIET_BEWAARD = {"page", "_export", "csrfmiddlewaretoken"}


class Lijstvoorkeur(models.Model):
    """One user's choice of columns for one list ("kandidaten")."""

    gebruiker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lijst = models.CharField(max_length=50)
    kolommen = models.JSONField(default=list)

    class Meta:
        verbose_name = "lijstvoorkeur"
        verbose_name_plural = "lijstvoorkeuren"
        constraints = [models.UniqueConstraint(fields=["gebruiker", "lijst"], name="lijstvoorkeur_uniek")]

    def __str__(self):
        return f"{self.gebruiker_id}: {self.lijst}"


class BewaardeLijst(models.Model):
    """A named set of filters of one of the pages in PAGINA_S: Power BI's bookmarks."""

    gebruiker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bewaarde_lijsten")
    naam = models.CharField(max_length=100)
    pad = models.CharField(max_length=200, help_text="Het pad van de pagina, bijvoorbeeld /kandidaten/.")
    query = models.TextField(blank=True, help_text="De filters, zoals in de adresbalk na het vraagteken.")
    aangemaakt = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["naam"]
        verbose_name = "bewaarde lijst"
        verbose_name_plural = "bewaarde lijsten"
        constraints = [models.UniqueConstraint(fields=["gebruiker", "naam"], name="bewaarde_lijst_uniek")]

    def __str__(self):
        return self.naam

    @staticmethod
    def pagina_van(pad):
        """The URL name of a path if its filters may be saved, else None."""
        try:
            match = resolve(pad)
        except Resolver404:
            return None
        return match.view_name if match.view_name in PAGINA_S else None

    @staticmethod
    def schone_query(query):
        """The filters of a URL query, without page, download or token; re-encoded (nothing else survives)."""
        return urlencode([(k, v) for k, v in parse_qsl(query, keep_blank_values=False) if k not in _NIET_BEWAARD])

    @property
    def pagina(self):
        return PAGINA_S.get(self.pagina_van(self.pad), "")

    @property
    def url(self):
        return f"{self.pad}?{self.query}" if self.query else self.pad

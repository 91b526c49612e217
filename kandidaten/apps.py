from django.apps import AppConfig


class KandidatenConfig(AppConfig):
    name = "kandidaten"
    verbose_name = "Kandidatenoverzicht"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, signals  # noqa: F401

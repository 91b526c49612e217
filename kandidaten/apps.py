from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class KandidatenConfig(AppConfig):
    name = "kandidaten"
    verbose_name = "Kandidatenoverzicht"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, signals  # noqa: F401


class BeheerAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the app's login page and "geen toegang" page (kandidaten/admin_site.py)."""

    default = False  # "kandidaten" itself stays KandidatenConfig
    default_site = "kandidaten.admin_site.BeheerSite"

"""Admin screens for teamleiders (read clients and items, the audit log) and beheer. What the import writes is
read-only here (`UitDeBronAdmin`): it is corrected in the source."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from .gebruikersbeheer import heeft_staf_rol, mag_wijzigen, toekenbare_groepen
from .importing.types import TYPES
from .models import (
    Arbeidsmarktregio,
    AuditEvent,
    Doelgroep,
    DoelgroepregisterTotaal,
    Gebruiker,
    Gemeente,
    GemeenteAlias,
    Import,
    Kandidaat,
    KandidaatWijziging,
    Module,
    Plaatsing,
    Traject,
)
from .scoping import auditregels_voor, gebruikers_voor, imports_voor


@admin.register(Gebruiker)
class GebruikerAdmin(UserAdmin):
    """Users, for beheer only within its own gemeenten and rights (kandidaten/gebruikersbeheer.py)."""

    fieldsets = UserAdmin.fieldsets + (
        ("Kandidatenoverzicht", {"fields": ("gemeenten", "begeleider_naam")}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        ("Rol en gemeenten", {"fields": ("groups", "gemeenten", "begeleider_naam")}),
    )
    filter_horizontal = UserAdmin.filter_horizontal + ("gemeenten",)
    list_display = ("username", "get_full_name", "begeleider_naam", "is_active", "is_staff")
    list_filter = UserAdmin.list_filter + ("gemeenten",)
    # Set only by a superuser: a flag, a permission outside the roles, or the account's history.
    ALLEEN_SUPERUSER = ("is_superuser", "is_staff", "user_permissions", "last_login", "date_joined")

    def get_queryset(self, request):
        return gebruikers_voor(request.user, super().get_queryset(request))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or mag_wijzigen(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or mag_wijzigen(request.user, obj))

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if request.user.is_superuser else self.ALLEEN_SUPERUSER

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            if db_field.name == "gemeenten":
                kwargs["queryset"] = request.user.gemeenten.all()
                kwargs["required"] = True  # a user without gemeenten would drop out of beheer's sight
            elif db_field.name == "groups":
                kwargs["queryset"] = toekenbare_groepen(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        if not request.user.is_superuser and user.is_staff != heeft_staf_rol(user):
            user.is_staff = not user.is_staff
            user.save(update_fields=["is_staff"])


@admin.register(Arbeidsmarktregio)
class ArbeidsmarktregioAdmin(admin.ModelAdmin):
    list_display = ("nummer", "naam")
    search_fields = ("naam",)


class GemeenteAliasInline(admin.TabularInline):
    model = GemeenteAlias
    extra = 0


@admin.register(Gemeente)
class GemeenteAdmin(admin.ModelAdmin):
    list_display = ("naam", "regio")
    list_filter = ("regio",)
    search_fields = ("naam", "aliassen__alias")
    inlines = [GemeenteAliasInline]


class DoelgroepLijstForm(forms.ModelForm):
    """The list's editable "klant van": each select named after its row (axe: select-name)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["klant_van"].widget.attrs["aria-label"] = f"Klant van voor doelgroep {self.instance.naam}"


@admin.register(Doelgroep)
class DoelgroepAdmin(admin.ModelAdmin):
    list_display = ("naam", "klant_van")
    list_editable = ("klant_van",)
    search_fields = ("naam",)

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=DoelgroepLijstForm, **kwargs)


@admin.register(DoelgroepregisterTotaal)
class DoelgroepregisterTotaalAdmin(admin.ModelAdmin):
    list_display = ("kwartaal", "regio", "gemeente", "personen", "percentage_bekend_in_sonar")
    list_filter = ("kwartaal", "regio")


class ScopedAdminMixin:
    """Teamleiders see only clients of their own gemeenten here too."""

    scope_path = "gemeente"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.scope_path}__in": request.user.gemeenten.all()})


BRON_REGEL = (
    "Komt uit de export van {bron}; corrigeer het in het bronsysteem: een wijziging hier zou bij de volgende import "
    "worden overschreven."
)


def bronvelden(export_type):
    """The model fields the importer writes from an export's columns (importing/types.py), in the export's order:
    what this admin shows under the source line. An item's Pers. nr. is its client."""
    namen = {veld.name for veld in export_type.model._meta.get_fields()}
    vertaling = {"pers_nr": "kandidaat"} if export_type.is_item else {}
    velden = (vertaling.get(kolom.field, kolom.field) for kolom in export_type.columns)
    return [naam for naam in velden if naam in namen]


class UitDeBronAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """A record the import writes: read-only in the admin for everyone, superusers included (docs/team.md).

    The next import would overwrite any edit, so the change page only shows, with a line saying where to correct
    it; records come only through the import (no add page). A superuser may still delete one."""

    export_type = None  # the importing.types.ExportType that writes this model
    bron = ""  # where it is corrected, for the line (default: the export's name, from Compas)
    afgeleid = ()  # fields the import works out from the columns
    administratie = ("in_bron", "niet_in_bron_sinds", "laatste_import", "bijgewerkt")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_fieldsets(self, request, obj=None):
        return [
            (f"Uit de export van {self.export_type.label}", {
                "fields": bronvelden(self.export_type),
                "description": BRON_REGEL.format(bron=self.bron or f"{self.export_type.label} (Compas)"),
            }),
            ("Afgeleid bij de import", {
                "fields": self.afgeleid,
                "description": "Berekend uit de velden hierboven; verandert mee als de bron verandert.",
            }),
            ("Bijgehouden door de import", {"fields": self.administratie}),
        ]


@admin.register(Kandidaat)
class KandidaatAdmin(UitDeBronAdmin):
    export_type = TYPES["kandidaten"]
    bron = ("kandidaten (Compas; de Sonar-kolommen uit Sonar). Een andere begeleider wijst u toe in Compas; het werk "
            "aan het profiel volgt u met de opvolging in de werklijst Profiel nodig")
    afgeleid = ("gemeente_in_bron", "ladder_trede", "ladder_groeipotentieel", "klant_van", "in_doelgroep_banenafspraak",
                "telt_in_sonar", "profiel_nodig", "profiel_nodig_sinds", "pers_nr_sleutel")
    administratie = ("in_bron", "niet_in_bron_sinds", "eerste_import", "laatste_import", "bijgewerkt")
    list_display = ("pers_nr", "naam", "gemeente", "begeleider", "klantprofiel", "profiel_nodig", "in_bron")
    list_filter = ("in_bron", "profiel_nodig", "klantprofiel", "klant_van", "gemeente")
    search_fields = ("pers_nr", "naam", "begeleider")
    list_select_related = ("gemeente",)


class ItemAdmin(UitDeBronAdmin):
    scope_path = "kandidaat__gemeente"
    list_filter = ("in_bron",)
    search_fields = ("kandidaat__pers_nr", "uitvoerende")
    list_select_related = ("kandidaat",)
    afgeleid = ("sleutel",)


@admin.register(Traject)
class TrajectAdmin(ItemAdmin):
    export_type = TYPES["trajecten"]
    list_display = ("traject_id", "kandidaat", "uitvoerende", "startdatum", "signaaldatum", "einddatum", "in_bron")


@admin.register(Module)
class ModuleAdmin(ItemAdmin):
    export_type = TYPES["modules"]
    afgeleid = ("sleutel", "traject")
    list_display = ("module_id", "kandidaat", "uitvoerende", "startdatum", "signaaldatum", "einddatum", "opgeschort")


@admin.register(Plaatsing)
class PlaatsingAdmin(ItemAdmin):
    export_type = TYPES["plaatsingen"]
    list_display = ("plaatsing_id", "kandidaat", "werkgever", "startdatum", "signaaldatum", "einddatum", "in_bron")


@admin.register(Import)
class ImportAdmin(admin.ModelAdmin):
    list_display = ("aangemaakt", "bestandsnaam", "gebruikersnaam", "status")
    list_filter = ("status",)
    # Everything read-only; not where the server keeps the upload (no server paths on any screen).
    fields = readonly_fields = [f.name for f in Import._meta.fields if f.name != "bestand"] + ["gemeenten"]

    def get_queryset(self, request):
        return imports_voor(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False


@admin.register(KandidaatWijziging)
class KandidaatWijzigingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_path = "kandidaat__gemeente"
    list_display = ("datum", "kandidaat", "veld", "oud", "nieuw")
    list_filter = ("veld",)
    list_select_related = ("kandidaat",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The raw log; the readable page for teamleiders and beheer is /audit/ (views/audit.py)."""

    list_display = ("tijdstip", "gebruikersnaam", "actie", "omschrijving", "aantal_rijen")
    list_filter = ("actie",)
    search_fields = ("gebruikersnaam", "omschrijving")
    date_hierarchy = "tijdstip"

    def get_queryset(self, request):
        return auditregels_voor(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The import worker's task records (django-tasks-db), for superusers. Its own admin names each task by loading
# the task function, which fails for a record of another backend or of a task that was renamed since: a list
# that cannot be opened exactly when something went wrong. The stored path says the same.
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaakAdmin(DBTaskResultAdmin):
    list_display = ("id", "task_path", "status", "enqueued_at", "started_at", "finished_at", "queue_name")

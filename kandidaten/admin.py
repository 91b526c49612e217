"""Admin screens for teamleiders (correct data, read the audit log) and beheer."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from .gebruikersbeheer import heeft_staf_rol, mag_wijzigen, toekenbare_groepen
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


@admin.register(Kandidaat)
class KandidaatAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("pers_nr", "naam", "gemeente", "begeleider", "klantprofiel", "profiel_nodig", "in_bron")
    list_filter = ("in_bron", "profiel_nodig", "klantprofiel", "klant_van", "gemeente")
    search_fields = ("pers_nr", "naam", "begeleider")
    readonly_fields = (
        "pers_nr_sleutel", "klant_van", "in_doelgroep_banenafspraak", "telt_in_sonar",
        "profiel_nodig", "profiel_nodig_sinds", "eerste_import", "laatste_import", "bijgewerkt",
    )
    list_select_related = ("gemeente",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "gemeente" and not request.user.is_superuser:
            kwargs["queryset"] = request.user.gemeenten.all()  # a correction never moves a client out of sight
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.apply_derived_flags()
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            AuditEvent.record(
                request, AuditEvent.Actie.GEWIJZIGD, f"Kandidaat {obj.pers_nr}: {', '.join(form.changed_data)}",
                gemeenten=[obj.gemeente_id, form.initial.get("gemeente")],  # moved: both gemeenten read it
            )


class ItemAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_path = "kandidaat__gemeente"
    list_filter = ("in_bron",)
    search_fields = ("kandidaat__pers_nr", "uitvoerende")
    list_select_related = ("kandidaat",)
    raw_id_fields = ("kandidaat",)
    readonly_fields = ("laatste_import", "niet_in_bron_sinds")


@admin.register(Traject)
class TrajectAdmin(ItemAdmin):
    list_display = ("traject_id", "kandidaat", "uitvoerende", "startdatum", "signaaldatum", "einddatum", "in_bron")


@admin.register(Module)
class ModuleAdmin(ItemAdmin):
    list_display = ("module_id", "kandidaat", "uitvoerende", "startdatum", "signaaldatum", "einddatum", "opgeschort")
    raw_id_fields = ("kandidaat", "traject")


@admin.register(Plaatsing)
class PlaatsingAdmin(ItemAdmin):
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

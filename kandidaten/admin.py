"""Admin screens for teamleiders (correct data, read the audit log) and beheer."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

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


@admin.register(Gebruiker)
class GebruikerAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (
        ("Kandidatenoverzicht", {"fields": ("gemeenten", "begeleider_naam")}),
    )
    filter_horizontal = UserAdmin.filter_horizontal + ("gemeenten",)
    list_display = ("username", "get_full_name", "begeleider_naam", "is_active", "is_staff")
    list_filter = UserAdmin.list_filter + ("gemeenten",)


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

    def save_model(self, request, obj, form, change):
        obj.apply_derived_flags()
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            AuditEvent.record(
                request, AuditEvent.Actie.GEWIJZIGD, f"Kandidaat {obj.pers_nr}: {', '.join(form.changed_data)}"
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
    readonly_fields = [f.name for f in Import._meta.fields]

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
    list_display = ("tijdstip", "gebruikersnaam", "actie", "omschrijving", "aantal_rijen")
    list_filter = ("actie",)
    search_fields = ("gebruikersnaam", "omschrijving")
    date_hierarchy = "tijdstip"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

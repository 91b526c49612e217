"""The three roles as Django groups, with their permissions (DOMAIN.md, "Who uses it").

Created by a data migration; `sync_roles` can be run again after a release
adds permissions (it only adds what is missing from each group's list): a
migration that adds a permission calls `sync_roles_in_migration` (0012, 0014, 0017).
A release that takes a permission away removes it in its own migration (0013:
view_import from Teamleider).
"""

MEDEWERKER = "Medewerker"
TEAMLEIDER = "Teamleider"
BEHEER = "Functioneel beheer"

_MEDEWERKER_PERMS = [
    "view_kandidaat",
    "export_kandidaat",
    "view_traject",
    "view_module",
    "view_plaatsing",
    # The follow-up of the worklist, for one's own clients (begeleider_naam); kandidaten/services/opvolging.py.
    "change_opvolging",
]
_TEAMLEIDER_PERMS = _MEDEWERKER_PERMS + [
    "change_kandidaat",
    "view_kandidaatwijziging",
    "view_transparantie",
    "view_auditevent",
    # No view_import: an import's preview holds the error values of every gemeente in the file.
    "view_gemeente",
    "view_doelgroep",
    "view_teamoverzicht",
    "opvolgen_voor_team",  # the follow-up of every begeleider's clients in its gemeenten
]
_BEHEER_PERMS = _MEDEWERKER_PERMS + [
    "view_transparantie",
    "view_auditevent",  # the audit log of its own gemeenten, like a teamleider
    "add_import",
    "change_import",
    "view_import",
    "view_kandidaatwijziging",
    "add_gemeente", "change_gemeente", "view_gemeente",
    "add_gemeentealias", "change_gemeentealias", "delete_gemeentealias", "view_gemeentealias",
    "view_arbeidsmarktregio", "change_arbeidsmarktregio",
    "add_doelgroep", "change_doelgroep", "delete_doelgroep", "view_doelgroep",
    "add_doelgroepregistertotaal", "change_doelgroepregistertotaal",
    "delete_doelgroepregistertotaal", "view_doelgroepregistertotaal",
    "add_uwvtelling",  # upload UWV's published table of a quarter (transparantie)
    "add_gebruiker", "change_gebruiker", "view_gebruiker",
    "view_group",
    "view_bewaartermijn",
    "view_teamoverzicht",
]

ROLE_PERMISSIONS = {
    MEDEWERKER: _MEDEWERKER_PERMS,
    TEAMLEIDER: _TEAMLEIDER_PERMS,
    BEHEER: _BEHEER_PERMS,
}
# Roles that work in the admin screens (Django requires is_staff for those).
STAFF_ROLES = {TEAMLEIDER, BEHEER}


def sync_roles(apps, *, skip_missing=False):
    """Give each group its permissions. Migrations pass `skip_missing`: a permission of a model that a later
    migration creates does not exist yet when an earlier one runs (that later migration syncs again)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = Permission.objects.filter(
            codename__in=codenames, content_type__app_label__in=["kandidaten", "auth"]
        )
        found = set(permissions.values_list("codename", flat=True))
        missing = set(codenames) - found
        if missing and not skip_missing:
            raise RuntimeError(f"Onbekende rechten voor {role}: {sorted(missing)}")
        group.permissions.add(*permissions)


def sync_roles_in_migration(apps):
    """For a data migration: create the permissions now (Django does so after all migrations), then sync."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps, skip_missing=True)

"""What a user who is not a superuser may do to other users in the admin's user screens.

Functioneel beheer manages users, but never beyond its own reach. Whoever can set a user's password can
log in as that user, so beheer may change only users whose gemeenten and rights it holds itself, and hand
out only gemeenten and roles it holds itself; a superuser is out of its reach altogether. Only superusers
grant more. Which users beheer *sees* is scoping (`scoping.gebruikers_voor`).
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from kandidaten.roles import STAFF_ROLES


def _permissies_van(user):
    return Permission.objects.filter(Q(user=user) | Q(group__user=user))


def toekenbare_groepen(editor):
    """The roles `editor` may give: every group whose permissions it all holds itself."""
    if editor.is_superuser:
        return Group.objects.all()
    niet_eigen = Permission.objects.exclude(pk__in=_permissies_van(editor).values("pk"))
    return Group.objects.exclude(permissions__in=niet_eigen)


def mag_wijzigen(editor, target):
    """Whether `editor` may change `target` (its roles, gemeenten, password): no one beyond its own reach."""
    if editor.is_superuser:
        return True
    if target.is_superuser or (target.is_staff and not editor.is_staff):
        return False
    eigen_gemeenten = editor.gemeenten.values("pk")
    if target.gemeenten.exclude(pk__in=eigen_gemeenten).exists():
        return False
    return not _permissies_van(target).exclude(pk__in=_permissies_van(editor).values("pk")).exists()


def heeft_staf_rol(user):
    """is_staff as beheer sets it: it follows the roles that work in the admin, never set by hand."""
    return user.groups.filter(name__in=STAFF_ROLES).exists()

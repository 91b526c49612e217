"""Which clients a user may see: the one place where that is decided.

Every view, export and command that shows clients or their items starts from
these functions. A user sees the clients of the gemeenten assigned to them;
no gemeenten means no clients; a superuser sees everything.
"""

from django.db.models import Q

from .models import AuditEvent, AuditGemeente, Gebruiker, Gemeente, Import, Kandidaat, Module, Plaatsing, Traject


def gemeenten_voor(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Gemeente.objects.none()
    if user.is_superuser:
        return Gemeente.objects.all()
    return user.gemeenten.all()


def kandidaten_voor(user, queryset=None):
    queryset = Kandidaat.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(gemeente__in=user.gemeenten.all())


def items_voor(user, model_or_queryset):
    """Trajecten, modules or plaatsingen of the clients the user may see."""
    queryset = (
        model_or_queryset.objects.all()
        if isinstance(model_or_queryset, type)
        else model_or_queryset
    )
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(kandidaat__gemeente__in=user.gemeenten.all())


def imports_voor(user, queryset=None):
    """Imports the user may see: their own, and those that concern one of their gemeenten.

    An import concerns the gemeenten of its file's rows (at upload: the importing user's). System imports (the
    command line without --user) have no user: only superusers see them, unless they concern the user's
    gemeenten."""
    queryset = Import.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    concerning = Import.gemeenten.through.objects.filter(gemeente__in=user.gemeenten.all()).values("import_id")
    return queryset.filter(Q(gebruiker=user) | Q(pk__in=concerning))


def import_geheel_in_scope(user, record):
    """Whether the user may act on an import and see its rows (error workbook, samples): their own import, or
    every gemeente it concerns is theirs. Seeing an import only needs one shared gemeente (imports_voor)."""
    if user.is_superuser or record.gebruiker_id == user.pk:
        return True
    concerned = record.gemeenten.all()
    return concerned.exists() and not concerned.exclude(pk__in=user.gemeenten.all()).exists()


def gebruikers_voor(user, queryset=None):
    """The users a user sees in the user admin: those who share one of its gemeenten, never a superuser.

    (Which of them it may change: gebruikersbeheer.mag_wijzigen.)"""
    queryset = Gebruiker.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    delen = Gebruiker.gemeenten.through.objects.filter(gemeente__in=user.gemeenten.all()).values("gebruiker_id")
    return queryset.filter(is_superuser=False, pk__in=delen)


def auditregels_voor(user, queryset=None):
    """Audit records about clients of the user's gemeenten (a record names the gemeenten it concerns).

    A record that names none (a system event) is for superusers only."""
    queryset = AuditEvent.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    betreft = AuditGemeente.objects.filter(gemeente__in=user.gemeenten.all()).values("auditevent_id")
    return queryset.filter(pk__in=betreft)


def gemeenten_van(queryset):
    """The pks of the gemeenten of a queryset of clients or of their items: whom an export concerns."""
    if queryset.query.is_sliced:  # the first n rows (a sliced query cannot be reordered): those rows' gemeenten
        queryset = queryset.model.objects.filter(pk__in=queryset.values("pk"))
    veld = "gemeente_id" if queryset.model is Kandidaat else "kandidaat__gemeente_id"
    return set(queryset.order_by().values_list(veld, flat=True).distinct())


ITEM_MODELS = {"trajecten": Traject, "modules": Module, "plaatsingen": Plaatsing}

"""Which clients a user may see: the one place where that is decided.

Every view, export and command that shows clients or their items starts from
these functions. A user sees the clients of the gemeenten assigned to them;
no gemeenten means no clients; a superuser sees everything.
"""

from functools import cached_property

from django.db.models import Q

from .models import AuditEvent, AuditGemeente, Gebruiker, Gemeente, Import, Kandidaat, Module, Plaatsing, Traject


def gemeenten_voor(user):
    if isinstance(user, Scope):
        return user.gemeenten()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Gemeente.objects.none()
    if user.is_superuser:
        return Gemeente.objects.all()
    return user.gemeenten.all()


def kandidaten_voor(user, queryset=None):
    if isinstance(user, Scope):
        return user.kandidaten(queryset)
    queryset = Kandidaat.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(gemeente__in=user.gemeenten.all())


def items_voor(user, model_or_queryset):
    """Trajecten, modules or plaatsingen of the clients the user may see."""
    if isinstance(user, Scope):
        return user.items(model_or_queryset)
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


def gemeente_veld(model):
    """The lookup of a client's (or an item's client's) gemeente on `model`; None for other models."""
    if model is Kandidaat:
        return "gemeente_id"
    return "kandidaat__gemeente_id" if model in ITEM_MODELS.values() else None


def gemeenten_van(queryset):
    """The pks of the gemeenten of a queryset of clients or of their items: whom an export concerns."""
    veld = gemeente_veld(queryset.model)
    if veld is None:
        return set()
    if queryset.query.is_sliced:  # the first n rows (a sliced query cannot be reordered): those rows' gemeenten
        queryset = queryset.model.objects.filter(pk__in=queryset.values("pk"))
    return set(queryset.order_by().values_list(veld, flat=True).distinct())


ITEM_MODELS = {"trajecten": Traject, "modules": Module, "plaatsingen": Plaatsing}


class Scope:
    """What one user may see, built once per request (`scope_van(request)`) and handed to every selector.

    The rule itself is the functions above; a Scope only keeps the user's answer to "everything, nothing or
    these gemeenten" so that a request asks it once. `Scope.alles()` is the system's scope (commands that
    count everything, like a superuser).
    """

    def __init__(self, user=None, *, alles=False):
        self.user = user
        self.alles = alles or bool(user is not None and _active(user) and user.is_superuser)
        self.leeg = not self.alles and (user is None or not _active(user))

    @classmethod
    def van(cls, user_or_scope):
        return user_or_scope if isinstance(user_or_scope, Scope) else cls(user_or_scope)

    @classmethod
    def systeem(cls):
        return cls(alles=True)

    def __repr__(self):
        return f"<Scope {'alles' if self.alles else 'leeg' if self.leeg else self.user}>"

    def gemeenten(self):
        return Gemeente.objects.all() if self.alles else gemeenten_voor(self.user)

    @cached_property
    def gemeente_ids(self):
        """The pks of the gemeenten in scope, sorted (one query, once)."""
        return sorted(self.gemeenten().values_list("pk", flat=True))

    def kandidaten(self, queryset=None):
        if self.alles:
            return Kandidaat.objects.all() if queryset is None else queryset
        return kandidaten_voor(self.user, queryset)

    def items(self, model_or_queryset):
        if self.alles:
            return model_or_queryset.objects.all() if isinstance(model_or_queryset, type) else model_or_queryset
        return items_voor(self.user, model_or_queryset)

    @property
    def cache_sleutel(self):
        """Who this scope belongs to, for per-user caches (the data generation keys the data)."""
        if self.alles:
            return "alles"
        return f"gebruiker-{self.user.pk}" if not self.leeg else "leeg"


def _active(user):
    return getattr(user, "is_authenticated", False) and user.is_active


def scope_van(request):
    """The request's Scope, built the first time it is asked for."""
    scope = getattr(request, "_kandidaten_scope", None)
    if scope is None or scope.user is not request.user:
        scope = request._kandidaten_scope = Scope(request.user)
    return scope

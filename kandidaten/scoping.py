"""Which clients a user may see: the one place where that is decided.

Every view, export and command that shows clients or their items starts from
these functions. A user sees the clients of the gemeenten assigned to them;
no gemeenten means no clients; a superuser sees everything.
"""

from functools import cached_property

from django.db.models import Q

from .models import AuditEvent, AuditGemeente, Gebruiker, Gemeente, Import, Kandidaat, Module, Plaatsing, Traject


def _binnen_bereik(user, queryset, beperk):
    """The rule every function below shares: not logged in (or inactive) sees nothing, a superuser sees
    everything, anyone else what `beperk(queryset, their gemeenten)` leaves."""
    if not _active(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return beperk(queryset, user.gemeenten.all())


def gemeenten_voor(user):
    if isinstance(user, Scope):
        return user.gemeenten()
    return _binnen_bereik(user, Gemeente.objects.all(), lambda alle, eigen: eigen)


def kandidaten_voor(user, queryset=None):
    if isinstance(user, Scope):
        return user.kandidaten(queryset)
    queryset = Kandidaat.objects.all() if queryset is None else queryset
    return _binnen_bereik(user, queryset, lambda kandidaten, eigen: kandidaten.filter(gemeente__in=eigen))


def items_voor(user, model_or_queryset):
    """Trajecten, modules or plaatsingen of the clients the user may see."""
    if isinstance(user, Scope):
        return user.items(model_or_queryset)
    queryset = (
        model_or_queryset.objects.all()
        if isinstance(model_or_queryset, type)
        else model_or_queryset
    )
    return _binnen_bereik(user, queryset, lambda items, eigen: items.filter(kandidaat__gemeente__in=eigen))


def imports_voor(user, queryset=None):
    """Imports the user may see: their own, and those that concern one of their gemeenten.

    An import concerns the gemeenten of its file's rows (at upload: the importing user's). System imports (the
    command line without --user) have no user: only superusers see them, unless they concern the user's
    gemeenten."""

    def eigen_of_betreft(imports, eigen):
        betreft = Import.gemeenten.through.objects.filter(gemeente__in=eigen).values("import_id")
        return imports.filter(Q(gebruiker=user) | Q(pk__in=betreft))

    return _binnen_bereik(user, Import.objects.all() if queryset is None else queryset, eigen_of_betreft)


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

    def delen_een_gemeente(gebruikers, eigen):
        delen = Gebruiker.gemeenten.through.objects.filter(gemeente__in=eigen).values("gebruiker_id")
        return gebruikers.filter(is_superuser=False, pk__in=delen)

    return _binnen_bereik(user, Gebruiker.objects.all() if queryset is None else queryset, delen_een_gemeente)


def auditregels_voor(user, queryset=None):
    """Audit records about clients of the user's gemeenten (a record names the gemeenten it concerns).

    A record that names none (a system event) is for superusers only."""

    def over_eigen_gemeenten(regels, eigen):
        return regels.filter(pk__in=AuditGemeente.objects.filter(gemeente__in=eigen).values("auditevent_id"))

    return _binnen_bereik(user, AuditEvent.objects.all() if queryset is None else queryset, over_eigen_gemeenten)


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
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def scope_van(request):
    """The request's Scope, built the first time it is asked for."""
    scope = getattr(request, "_kandidaten_scope", None)
    if scope is None or scope.user is not request.user:
        scope = request._kandidaten_scope = Scope(request.user)
    return scope

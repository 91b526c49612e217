"""The admin ("Beheer") as part of the app: one login page, the app's "geen toegang" page, no crashes.

Django's own admin site sends a logged-in user without staff rights to a second login form of its own
("you are authenticated as … but not authorised"); here that user gets the app's 403 page, and whoever is
not logged in goes to the app's login page (with `next`), so there is one login form to guard. And three
parameters that crash Django's admin (tests/toegang/test_fuzz.py found them) are refused before it runs.
"""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminToField
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse

# The date hierarchy's parameters (`tijdstip__year=2026&tijdstip__month=3`), within the app's dates (1900-2100).
DATUMDELEN = {"year": (1900, 2100), "month": (1, 12), "day": (1, 31)}


def _datum_buiten_bereik(query):
    for key, value in query.items():
        grenzen = DATUMDELEN.get(key.rpartition("__")[2]) if "__" in key else None
        if grenzen and not (value.isdigit() and len(value) <= 4 and grenzen[0] <= int(value) <= grenzen[1]):
            return True
    return False


def _met_nul(query):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())


def _weiger_wat_django_breekt(request):
    """A refusal for what would crash Django's admin (a 500), else None."""
    if "" in (request.GET.get(TO_FIELD_VAR), request.POST.get(TO_FIELD_VAR)):
        # Django checks `_to_field` only when it is not empty, then looks up the field "".
        raise DisallowedModelAdminToField("Een leeg _to_field kan niet.")  # a 400, as for any bad one
    if _datum_buiten_bereik(request.GET) or _met_nul(request.GET):
        # The date hierarchy builds a datetime from its parameters and catches only ValueError (year 9999 or
        # 99999999999); a filter value with a NUL character reaches PostgreSQL, which refuses it. Refused the
        # way the admin refuses any bad filter.
        return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
    return None


class BeheerSite(admin.AdminSite):
    site_header = "Kandidatenoverzicht – beheer"
    site_title = "Kandidatenoverzicht beheer"
    index_title = "Beheer"

    def admin_view(self, view, cacheable=False):
        django_view = super().admin_view(view, cacheable)  # never_cache, csrf_protect, its own login redirect

        def guarded(request, *args, **kwargs):
            # Whoever is not logged in never gets here: LoginRequiredMiddleware sends them to a login page first.
            if not self.has_permission(request):
                raise PermissionDenied("Geen toegang tot het beheer.")
            return _weiger_wat_django_breekt(request) or django_view(request, *args, **kwargs)

        return update_wrapper(guarded, django_view)

    @login_not_required
    def login(self, request, extra_context=None):
        if not request.user.is_authenticated:
            return redirect_to_login(request.GET.get("next") or reverse("admin:index", current_app=self.name))
        if not self.has_permission(request):
            raise PermissionDenied("Geen toegang tot het beheer.")
        return super().login(request, extra_context)  # staff: on to `next` or the index

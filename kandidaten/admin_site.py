"""The admin ("Beheer") as part of the app: one login page, the app's "geen toegang" page.

Django's own admin site sends a logged-in user without staff rights to a second login form of its own
("you are authenticated as … but not authorised"); here that user gets the app's 403 page, and whoever is
not logged in goes to the app's login page (with `next`), so there is one login form to guard.
"""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse


class BeheerSite(admin.AdminSite):
    site_header = "Kandidatenoverzicht – beheer"
    site_title = "Kandidatenoverzicht beheer"
    index_title = "Beheer"

    def admin_view(self, view, cacheable=False):
        django_view = super().admin_view(view, cacheable)  # never_cache, csrf_protect, its own login redirect

        def app_login_and_403(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                raise PermissionDenied("Geen toegang tot het beheer.")
            return django_view(request, *args, **kwargs)

        return update_wrapper(app_login_and_403, django_view)

    @login_not_required
    def login(self, request, extra_context=None):
        if not request.user.is_authenticated:
            return redirect_to_login(request.GET.get("next") or reverse("admin:index", current_app=self.name))
        if not self.has_permission(request):
            raise PermissionDenied("Geen toegang tot het beheer.")
        return super().login(request, extra_context)  # staff: on to `next` or the index

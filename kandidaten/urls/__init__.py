"""URLs per section; each section keeps its own patterns in a module beside this one."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from kandidaten.views import audit, bewaartermijn, overzicht, team, transparantie


@login_not_required
def favicon(request):
    """Browsers ask /favicon.ico of pages that name no icon (a download, an error page)."""
    return redirect(static("kandidaten/favicon.svg"), permanent=True)


urlpatterns = [
    path("", overzicht.overzicht, name="overzicht"),
    path("favicon.ico", favicon, name="favicon"),
    path("kandidaten/", include(("kandidaten.urls.kandidaten", "kandidaten"))),
    path("signalen/", include(("kandidaten.urls.signalen", "signalen"))),
    path("team/", team.overzicht, name="team"),
    path("lijsten/", include(("kandidaten.urls.lijsten", "lijsten"))),
    path("import/", include(("kandidaten.urls.imports", "imports"))),
    path("transparantie/", transparantie.rapport, name="transparantie"),
    path("transparantie/", include(("kandidaten.urls.transparantie", "transparantie"))),
    path("abonnement/", include(("kandidaten.urls.abonnementen", "abonnementen"))),
    path("bewaartermijn/", bewaartermijn.voorbeeld, name="bewaartermijn"),
    path("audit/", audit.lijst, name="audit"),
]

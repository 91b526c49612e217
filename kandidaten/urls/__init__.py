"""URLs per section; each section keeps its own patterns in a module beside this one."""

from django.urls import include, path

from kandidaten.views import overzicht, transparantie

urlpatterns = [
    path("", overzicht.overzicht, name="overzicht"),
    path("kandidaten/", include(("kandidaten.urls.kandidaten", "kandidaten"))),
    path("signalen/", include(("kandidaten.urls.signalen", "signalen"))),
    path("lijsten/", include(("kandidaten.urls.lijsten", "lijsten"))),
    path("import/", include(("kandidaten.urls.imports", "imports"))),
    path("transparantie/", transparantie.rapport, name="transparantie"),
]

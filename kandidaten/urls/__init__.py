"""URLs per section; each section keeps its own patterns in a module beside this one."""

from django.urls import include, path

from kandidaten.views import audit, bewaartermijn, overzicht, transparantie

urlpatterns = [
    path("", overzicht.overzicht, name="overzicht"),
    path("kandidaten/", include(("kandidaten.urls.kandidaten", "kandidaten"))),
    path("signalen/", include(("kandidaten.urls.signalen", "signalen"))),
    path("import/", include(("kandidaten.urls.imports", "imports"))),
    path("transparantie/", transparantie.rapport, name="transparantie"),
    path("transparantie/", include(("kandidaten.urls.transparantie", "transparantie"))),
    path("abonnement/", include(("kandidaten.urls.abonnementen", "abonnementen"))),
    path("bewaartermijn/", bewaartermijn.voorbeeld, name="bewaartermijn"),
    path("audit/", audit.lijst, name="audit"),
]

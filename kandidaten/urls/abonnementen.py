from django.urls import path

from kandidaten.views import abonnementen as views

urlpatterns = [
    path("", views.instellingen, name="instellingen"),
    path("afmelden/<str:token>/", views.afmelden, name="afmelden"),
    path("afmelden/<str:token>/direct/", views.afmelden_direct, name="afmelden_direct"),
    path("open/", views.open_paneel, name="open"),
    path("open/werklijst/", views.open_werklijst, name="open_werklijst"),
    path("open/<slug:groep>/<slug:teller>/", views.open_signaal, name="open_signaal"),
]

from django.urls import path

from kandidaten.views import imports as views

urlpatterns = [
    path("", views.lijst, name="lijst"),
    path("nieuw/", views.nieuw, name="nieuw"),
    path("<uuid:uuid>/", views.detail, name="detail"),
    path("<uuid:uuid>/bevestigen/", views.bevestigen, name="bevestigen"),
    path("<uuid:uuid>/annuleren/", views.annuleren, name="annuleren"),
    path("<uuid:uuid>/opnieuw/", views.opnieuw, name="opnieuw"),
    path("<uuid:uuid>/fouten.xlsx", views.fouten, name="fouten"),
]

from django.urls import path

from kandidaten.views import kandidaten as views
from kandidaten.views import werklijst

urlpatterns = [
    path("", views.lijst, name="lijst"),
    path("kolommen/", views.kolommen, name="kolommen"),
    path("profiel-nodig/", werklijst.profiel_nodig, name="profiel_nodig"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/opvolging/", werklijst.opvolging_view, name="opvolging"),
]

from django.urls import path

from kandidaten.views import kandidaten as views

urlpatterns = [
    path("", views.lijst, name="lijst"),
    path("kolommen/", views.kolommen, name="kolommen"),
    path("profiel-nodig/", views.profiel_nodig, name="profiel_nodig"),
    path("<int:pk>/", views.detail, name="detail"),
]

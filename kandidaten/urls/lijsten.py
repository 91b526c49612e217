from django.urls import path

from kandidaten.views import lijsten as views

urlpatterns = [
    path("", views.lijsten, name="lijsten"),
    path("bewaren/", views.bewaren, name="bewaren"),
    path("<int:pk>/verwijderen/", views.verwijderen, name="verwijderen"),
]

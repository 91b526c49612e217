from django.urls import path

from kandidaten.views import imports as views

urlpatterns = [
    path("", views.lijst, name="lijst"),
]

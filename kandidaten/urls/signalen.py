from django.urls import path

from kandidaten.views import signalen as views

urlpatterns = [
    path("<slug:groep>/<slug:teller>/", views.lijst, name="lijst"),
]

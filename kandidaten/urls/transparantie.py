from django.urls import path

from kandidaten.views import transparantie as views

# The report itself is /transparantie/ (URL name "transparantie", in kandidaten/urls/__init__.py).
urlpatterns = [
    path("uwv/", views.uwv, name="uwv"),
    path("uwv/toevoegen/", views.uwv_upload, name="uwv_upload"),
]

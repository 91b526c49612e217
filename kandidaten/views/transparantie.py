from django.contrib.auth.decorators import permission_required
from django.shortcuts import render


@permission_required("kandidaten.view_transparantie", raise_exception=True)
def rapport(request):
    return render(request, "kandidaten/placeholder.html", {"titel": "Transparantie van klantprofielen"})

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render


@permission_required("kandidaten.add_import", raise_exception=True)
def lijst(request):
    return render(request, "kandidaten/placeholder.html", {"titel": "Import"})

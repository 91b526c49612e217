from django.shortcuts import render

from kandidaten.scoping import kandidaten_voor


def lijst(request):
    aantal = kandidaten_voor(request.user).in_bron().count()
    return render(request, "kandidaten/placeholder.html", {"titel": "Kandidaten", "aantal": aantal})


def profiel_nodig(request):
    aantal = kandidaten_voor(request.user).in_bron().filter(profiel_nodig=True).count()
    return render(request, "kandidaten/placeholder.html", {"titel": "Profiel nodig", "aantal": aantal})


def detail(request, pk):
    from django.shortcuts import get_object_or_404

    kandidaat = get_object_or_404(kandidaten_voor(request.user), pk=pk)
    return render(request, "kandidaten/placeholder.html", {"titel": str(kandidaat)})

from django.shortcuts import render


def overzicht(request):
    return render(request, "kandidaten/overzicht.html", {})

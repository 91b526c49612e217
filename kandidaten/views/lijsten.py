"""Mijn lijsten: a user's named filter sets of the list pages (Power BI's bookmarks). Only one's own."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kandidaten.models import BewaardeLijst


class BewaarForm(forms.Form):
    naam = forms.CharField(label="Naam van de lijst", max_length=100)
    pad = forms.CharField(widget=forms.HiddenInput, max_length=200)
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=4000)

    def clean_naam(self):
        return " ".join(self.cleaned_data["naam"].split())

    def clean_pad(self):
        pad = self.cleaned_data["pad"]
        if BewaardeLijst.pagina_van(pad) is None:
            raise forms.ValidationError("Deze pagina kan niet als lijst worden bewaard.")
        return pad


def lijsten(request):
    return render(request, "kandidaten/lijsten.html", {
        "lijsten": BewaardeLijst.objects.filter(gebruiker=request.user),
    })


@require_POST
def bewaren(request):
    """Save (or replace, under the same name) the filters of the page the form was on, then back to it."""
    form = BewaarForm(request.POST)
    if not form.is_valid():
        messages.error(request, "De lijst is niet bewaard: " + " ".join(
            error for errors in form.errors.values() for error in errors))
        return redirect("lijsten:lijsten")
    lijst, nieuw = BewaardeLijst.objects.update_or_create(
        gebruiker=request.user, naam=form.cleaned_data["naam"],
        defaults={"pad": form.cleaned_data["pad"], "query": BewaardeLijst.schone_query(form.cleaned_data["query"])},
    )
    messages.success(request, f"Lijst ‘{lijst.naam}’ {'bewaard' if nieuw else 'bijgewerkt'}: u vindt hem onder "
                              "Mijn lijsten in het menu.")
    return redirect(lijst.url)


@require_POST
def verwijderen(request, pk):
    lijst = get_object_or_404(BewaardeLijst, pk=pk, gebruiker=request.user)
    lijst.delete()
    messages.success(request, f"Lijst ‘{lijst.naam}’ verwijderd.")
    return redirect("lijsten:lijsten")

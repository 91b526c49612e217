"""The audit log as a page for teamleiders and beheer: who looked at or exported which clients of their
gemeenten, when, how many rows and with which filters. Thin: the query lives in selectors.audit."""

from django import forms
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import render

from kandidaten.fields import DatumVeld
from kandidaten.models import AuditEvent
from kandidaten.paging import pagina_grootte
from kandidaten.selectors import audit as selectors

PER_PAGINA = (25, 50, 100)
DATUM = {
    "required": False, "help_text": "dd-mm-jjjj",
    "error_messages": {"invalid": "Vul een datum in als dd-mm-jjjj, bijvoorbeeld 01-03-2026."},
    "widget": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 11, "maxlength": 10}),
}


class AuditFilterForm(forms.Form):
    gebruiker = forms.CharField(label="Gebruiker", required=False, max_length=150)
    actie = forms.ChoiceField(
        label="Actie", required=False, choices=[("", "Alle acties"), *AuditEvent.Actie.choices],
        error_messages={"invalid_choice": "Kies een actie uit de lijst."},
    )
    van = DatumVeld(label="Van", **DATUM)
    tot = DatumVeld(label="Tot en met", **DATUM)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("van") and cleaned.get("tot") and cleaned["van"] > cleaned["tot"]:
            self.add_error("tot", "Deze datum ligt vóór de datum bij Van.")
        return cleaned


@permission_required("kandidaten.view_auditevent", raise_exception=True)
def lijst(request):
    form = AuditFilterForm(request.GET)
    form.is_valid()  # a wrong value is shown as an error and left out; the others still apply
    gekozen = {name: value for name, value in form.cleaned_data.items() if value}
    regels = selectors.auditregels(request.user, **gekozen)
    per_pagina = pagina_grootte(request, PER_PAGINA, PER_PAGINA[0])
    page = Paginator(regels, per_pagina).get_page(request.GET.get("page"))
    return render(request, "kandidaten/audit/lijst.html", {
        "form": form,
        "page": page,
        "regels": selectors.leesbaar(page.object_list),
        "per_pagina": per_pagina,
        "per_pagina_keuzes": PER_PAGINA,
        "gefilterd": bool(gekozen),
    })

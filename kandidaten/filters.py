"""The candidate list's filters (django-filter), with option lists from the user's own scope.

The GET parameters are a contract: the overview's pictures, the worklist, saved lists and bookmarks link
here (docs/kandidaten.md). Choices are explicit (never "every row of a table"), so an option from another
gemeente cannot even be submitted.
"""

import functools
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Q

from kandidaten import naamsortering, weergave
from kandidaten.keys import pers_nr_sleutel
from kandidaten.models.kandidaat import opgeslagen_begeleider
from kandidaten.scoping import Scope
from kandidaten.selectors import kandidaten as selectors
from kandidaten.selectors import keuzes
from kandidaten.widgets import FastSelect, KeuzeLijst, Termen

JA_NEE = [("ja", "Ja"), ("nee", "Nee")]
STATUS = [("open", "Open"), ("gesloten", "Gesloten"), ("leeg", weergave.LEEG)]
KLANT_VAN = [("gemeente", "Gemeente"), ("uwv", "UWV"), (weergave.ONBEKEND_WAARDE, weergave.klant_van(""))]

# The client columns each filter reads (attnames); None: more than the client row (a join or a subquery).
# The list counts from its gemeente index when that index holds every column in use (selectors.kandidaten).
KOLOMMEN = {
    "q": {"naam_sortering", "pers_nr_sleutel"}, "gemeente": {"gemeente_id"}, "regio": None, "dgr": {"dgr"},
    "banenafspraak": {"banenafspraak"}, "status": {"sonar_status"}, "klantprofiel": {"klantprofiel"},
    "ladder": {"participatieladder"}, "dv_soort": {"dv_laatste_soort"}, "doelgroep": {"doelgroep"},
    "begeleider": {"begeleider"}, "uitvoerende": None, "profiel_nodig": {"profiel_nodig"},
    "telt_in_sonar": {"telt_in_sonar"}, "klant_van": {"klant_van"}, "ook_niet_in_bron": {"in_bron"},
}


def _yes_no(field):
    def apply(queryset, name, value):
        return queryset.filter(**{field: value == "ja"}) if value in ("ja", "nee") else queryset

    return apply


# Every filter is on the client row or a forward foreign key: rows never multiply, so no DISTINCT
# (django-filter's default for multiple choices), which would make the COUNT scan the whole table.
Multi = functools.partial(django_filters.MultipleChoiceFilter, distinct=False, widget=KeuzeLijst)
Choice = functools.partial(django_filters.ChoiceFilter, widget=FastSelect, empty_label="Alle")


class TermenFilter(django_filters.Filter):
    """Several free texts under one name (kandidaten.widgets.Termen)."""

    field_class = Termen


class KandidaatFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Zoek op naam of Pers. nr.", method="search")
    gemeente = Multi(label="Bet. gemeente", field_name="gemeente_id")
    regio = Multi(label="Arbeidsmarktregio", field_name="gemeente__regio_id")
    klantprofiel = Multi(label="Sonar - Klantprofiel", choices=weergave.KLANTPROFIEL_KEUZES)
    profiel_nodig = Choice(label="Profiel nodig", choices=JA_NEE, method=_yes_no("profiel_nodig"))
    begeleider = Multi(label="Begeleider Compas", method="filter_begeleider")
    doelgroep = Multi(label="Doelgroep")
    dgr = Choice(label="DGR", choices=JA_NEE, method=_yes_no("dgr"))
    banenafspraak = Choice(label="Sonar - Banenafspraken", choices=JA_NEE, method=_yes_no("banenafspraak"))
    status = Multi(label="Sonar - Status", choices=STATUS, method="filter_status")
    telt_in_sonar = Choice(label="Telt mee in Sonar", choices=JA_NEE, method=_yes_no("telt_in_sonar"))
    ladder = Multi(label="Sonar - Participatieladder", method="filter_ladder")
    dv_soort = Multi(label="Sonar - DV Laatste Soort", field_name="dv_laatste_soort")
    uitvoerende = TermenFilter(
        label="Uitvoerende", method="filter_uitvoerende",
        widget=KeuzeLijst(label="Uitvoerende", vrije_tekst="Of typ een deel van de naam"),
    )
    klant_van = Choice(label="Klant van", choices=KLANT_VAN, method="filter_klant_van")
    ook_niet_in_bron = django_filters.BooleanFilter(
        label="Ook kandidaten die niet meer in de bron staan", method="filter_in_bron",
        widget=forms.CheckboxInput,
    )

    def __init__(self, data=None, queryset=None, *, scope, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.scope = Scope.van(scope)
        self.options = options = keuzes.keuzes(self.scope)  # the view names the gemeenten from these too
        choices = {
            "gemeente": [(str(pk), naam) for pk, naam in options.gemeenten],
            "regio": [(str(pk), naam) for pk, naam in options.regios],
            "ladder": [(ladder.waarde, ladder.label) for ladder in map(weergave.Ladder.van, options.ladders)]
            + [(weergave.ONBEKEND_WAARDE, weergave.Ladder.van("").label)],
            "dv_soort": [(value, value) for value in options.dv_soorten],
            "doelgroep": [(value, value) for value in options.doelgroepen],
            "begeleider": [(value, value) for value in options.begeleiders],
        }
        for name, values in choices.items():
            self.filters[name].extra["choices"] = values
        self.filters["uitvoerende"].extra["widget"].choices = [(value, value) for value in options.uitvoerenden]
        for field in self.form.fields.values():
            if isinstance(field.widget, KeuzeLijst):
                field.widget.label = field.label

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            queryset = super().qs
            if not (self.form.is_valid() and self.form.cleaned_data.get("ook_niet_in_bron")):
                queryset = queryset.filter(in_bron=True)
            self._qs = queryset
        return self._qs

    def search(self, queryset, name, value):
        """The Pers. nr. in any spelling, or every word somewhere in the name: searched in the name's sort key
        (folded: "ozturk" finds "Öztürk", "BOER" finds "de Boer"), which the list's gemeente index holds, so
        the count reads no table row."""
        words = [kaal for kaal in map(naamsortering.letters_en_cijfers, value.split()) if kaal]
        if not value.split():
            return queryset
        condition = Q(pers_nr_sleutel=pers_nr_sleutel(value.strip()))
        if words:
            name_condition = Q()
            for word in words:
                name_condition &= Q(naam_sortering__contains=word)
            condition |= name_condition
        return queryset.filter(condition)

    def filter_status(self, queryset, name, values):
        if not values:
            return queryset
        return queryset.filter(sonar_status__in=["" if v == "leeg" else v for v in values])

    def filter_begeleider(self, queryset, name, values):
        if not values:
            return queryset
        return queryset.filter(begeleider__in=[opgeslagen_begeleider(value) for value in values])

    def filter_ladder(self, queryset, name, values):
        if not values:
            return queryset
        return queryset.filter(participatieladder__in=["" if v == weergave.ONBEKEND_WAARDE else v for v in values])

    def filter_uitvoerende(self, queryset, name, terms):
        if not terms:
            return queryset
        namen = keuzes.passende_uitvoerenden(terms, self.options.uitvoerenden)
        return selectors.met_actief_item_van(queryset, namen)

    def filter_klant_van(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(klant_van="" if value == weergave.ONBEKEND_WAARDE else value)

    def filter_in_bron(self, queryset, name, value):
        return queryset  # applied in qs: the default (unticked) is "only in the source"

    def active(self):
        """The filters in use: {name: value}, for the audit log and the chips."""
        if not self.form.is_valid():
            return {}
        return {
            name: value for name, value in self.form.cleaned_data.items()
            if value not in (None, "", [], (), False)
        }

    def gefilterde_kolommen(self):
        """The client columns the list is filtered on, or None when a filter reaches beyond the client row."""
        kolommen = {"in_bron"}
        for name in self.active():
            if KOLOMMEN[name] is None:
                return None
            kolommen |= KOLOMMEN[name]
        return kolommen

    def chips(self, query):
        """The active filters as removable chips: [Chip], each with the URL query that drops that value."""
        found = []
        for name, value in self.active().items():
            field = self.form.fields[name]
            waarden = value if isinstance(value, (list, tuple)) else [value]
            labels = dict(getattr(field, "choices", None) or getattr(field.widget, "choices", None) or ())
            for waarde in waarden:
                shown = "ja" if waarde is True else labels.get(str(waarde), waarde)
                submitted = "on" if waarde is True else str(waarde)
                found.append(Chip(name, field.label, str(shown), submitted, _zonder(query, name, waarde)))
        return found


@dataclass(frozen=True)
class Chip:
    veld: str  # the parameter
    label: str  # the filter's label
    toon: str  # the value as shown
    waarde: str  # the value as the form submits it
    query: str  # the list's URL query without this value


def _zonder(query, name, waarde):
    """`query` (a QueryDict) without one value of one parameter, and from the first page."""
    kopie = query.copy()
    blijft = [v for v in kopie.getlist(name) if v != str(waarde) and not (waarde is True and v)]
    kopie.setlist(name, blijft) if blijft else kopie.pop(name, None)
    kopie.pop("page", None)
    return kopie.urlencode()

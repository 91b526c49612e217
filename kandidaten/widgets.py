"""Select widgets and searchable option lists that render their options in Python.

Django renders every <option> through the template engine. The candidate list's form offers
hundreds of options (343 gemeenten, every uitvoerende: ~650 nationally), which cost ~100 ms per page
that way, and still ~12 ms through format_html; joined as escaped strings they cost about a millisecond.
Same HTML, same attributes, no optgroups (none of our choices use them).
"""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


def _opties(template, choices, gekozen, teken):
    """Every choice through `template` (%-formatted: value, `teken` if chosen, label), escaped, joined."""
    return "".join(
        template % (escape(str(value)), teken if str(value) in gekozen else "", escape(str(label)))
        for value, label in choices
    )


class _FastSelectMixin:
    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        options = _opties('<option value="%s"%s>%s</option>', self.choices, set(self.format_value(value)), " selected")
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final_attrs), mark_safe(options))


class FastSelect(_FastSelectMixin, forms.Select):
    pass


class FastSelectMultiple(_FastSelectMixin, forms.SelectMultiple):
    pass


class KeuzeLijst(forms.SelectMultiple):
    """A searchable multi-select without Ctrl-click: a <details> with a search field and checkboxes.

    Closed, it is one line with the label and how many are chosen; opened, a search field narrows the
    options as you type (kandidaten/static/kandidaten/lijst.js; without JavaScript every option shows) and
    each option is a checkbox. Rendered in Python like the selects above (hundreds of options).
    `vrije_tekst`: a label for an extra text field under the list whose text is submitted under the same
    name as the checkboxes (Uitvoerende: a part of a name).
    """

    def __init__(self, attrs=None, choices=(), *, label="", vrije_tekst=""):
        super().__init__(attrs, choices)
        self.label = label
        self.vrije_tekst = vrije_tekst

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        base_id = final_attrs.get("id") or f"id_{name}"
        gekozen = [str(v) for v in (value or []) if v not in (None, "")]
        choices = list(self.choices)
        bekend = {str(option_value) for option_value, _label in choices}
        opties = mark_safe(_opties(
            f'<li><label><input type="checkbox" name="{escape(name)}" value="%s"%s> %s</label></li>',
            choices, set(gekozen), " checked",
        ))
        vrij = ""
        if self.vrije_tekst:
            typed = [v for v in gekozen if v not in bekend] or [""]
            vrij = format_html(
                '<p class="keuze__vrij"><label for="{id}-tekst">{label}</label>'
                '<input type="text" id="{id}-tekst" name="{name}" value="{value}" autocomplete="off">{meer}</p>',
                id=base_id, label=self.vrije_tekst, name=name, value=typed[0],
                meer=format_html_join("", '<input type="hidden" name="{}" value="{}">', ((name, v) for v in typed[1:])),
            )
        aantal = f"{len(gekozen)} gekozen" if gekozen else "alle"
        zoek = format_html(
            '<input type="search" class="keuze__zoek" id="{}-zoek" aria-label="Zoek in {}" placeholder="Zoek…" '
            'autocomplete="off" hidden>', base_id, self.label.lower(),
        ) if len(choices) > 8 else ""
        return format_html(
            '<details class="keuze" id="{id}"{open}><summary class="keuze__kop">{label} '
            '<span class="keuze__aantal">({aantal})</span></summary><div class="keuze__paneel">{zoek}'
            '<fieldset class="keuze__opties"><legend class="visually-hidden">{label}</legend>'
            '<ul>{opties}</ul></fieldset>{vrij}</div></details>',
            id=base_id, open="", label=self.label, aantal=aantal, zoek=zoek, opties=opties, vrij=vrij,
        )

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)


class Termen(forms.Field):
    """Several free texts under one name (`uitvoerende=alrijde&uitvoerende=beta`): a tuple of stripped,
    non-empty terms. At most MAX terms of at most 200 characters (the URL is the user's, not ours)."""

    MAX = 25

    def __init__(self, *, widget=None, **kwargs):
        super().__init__(widget=widget or KeuzeLijst, **kwargs)

    def to_python(self, value):
        values = value if isinstance(value, (list, tuple)) else [value]
        terms = []
        for term in values:
            term = " ".join(str(term or "").split())[:200]
            if term and term not in terms:
                terms.append(term)
        if len(terms) > self.MAX:
            raise forms.ValidationError(f"Kies hoogstens {self.MAX} waarden tegelijk.")
        return tuple(terms)

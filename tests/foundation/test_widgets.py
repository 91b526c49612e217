"""Our Python-rendered selects give the browser the same HTML as Django's template-rendered ones."""

from html.parser import HTMLParser

import pytest
from django import forms

from kandidaten.widgets import FastSelect, FastSelectMultiple

CHOICES = [("", "Alle"), ("1", "Apeldoorn"), ("2", "'s-Hertogenbosch & <Epe>"), ("3", 'Heerde "oost"')]


class _Elements(HTMLParser):
    """Tags with their attributes as sets, and non-blank text: what the browser builds, whatever the order."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, frozenset(attrs)))

    def handle_endtag(self, tag):
        self.seen.append(("/" + tag,))

    def handle_data(self, data):
        if data.strip():
            self.seen.append(("text", data))


def normalised(html):
    parser = _Elements()
    parser.feed(html)
    return parser.seen


@pytest.mark.parametrize(
    ("ours", "djangos", "value"),
    [
        (FastSelect, forms.Select, "2"),
        (FastSelect, forms.Select, None),
        (FastSelectMultiple, forms.SelectMultiple, ["1", "3"]),
        (FastSelectMultiple, forms.SelectMultiple, None),
    ],
)
def test_fast_select_renders_what_django_renders(ours, djangos, value):
    attrs = {"id": "id_gemeente", "aria-describedby": "hulp"}
    expected = djangos(choices=CHOICES).render("gemeente", value, attrs=attrs)
    assert normalised(ours(choices=CHOICES).render("gemeente", value, attrs=attrs)) == normalised(expected)


def test_option_labels_and_values_are_escaped():
    html = FastSelect(choices=[('"><script>', "<b>x</b>")]).render("f", None)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html

"""Hostile GET parameters on every page: never a server error, and a form that refuses a value says so.

For each GET page of the resolver (the matrix's GET rows the user may open), one clean request finds the
parameters the page reads (every key asked of a QueryDict) and offers (the keys of its `?…` links and the
names of its form controls: the admin's filters, sorts and pages). Then two passes:

- all at once: every such parameter, and some no page reads, carry the same hostile value;
- one by one: each parameter the page reads or links alone, because one refused value can end a request
  before the others are read (an unknown `_export` is a 404 before the page size is looked at; a bad admin
  filter redirects to `?e=1`).

The app's pages get the long list of values; the admin's pages, Django's own code that renders every gemeente
on its forms, shorter ones.
"""

import html
import re
from urllib.parse import parse_qsl

import pytest
from django.forms import BaseForm
from django.http import QueryDict
from django.test import Client
from django_filters import FilterSet

from tests.toegang.test_matrix import lees_matrix, rij_voor
from tests.toegang.wereld import bouw_wereld, routes, url_van

pytestmark = pytest.mark.django_db

HOSTILE = [
    "-1", "0", "1000000", "99999999999999999999999999", "1e308", "NaN", "2.5",
    "31-12-9999", "01-01-0001", "31-02-2025", "9999-12-31", "0000-00-00",
    "", " ", "\x00", "nul\x00byte", "ë€😀\u202e", "' OR '1'='1' --", "<script>alert(1)</script>", "x" * 2000,
    "%", "../../etc/passwd", "[]",
]
SHORT = ["-1", "99999999999999999999999999", "31-12-9999", "31-02-2025", "\x00", "x" * 2000,
         "<script>alert(1)</script>", "ë€😀\u202e"]
# Read by some page, or by none: every page gets them too.
EXTRA = ["page", "per_page", "sort", "q", "o", "p", "peildatum", "gemeente", "_export", "pagina", "van", "tot",
         "tijdstip__year", "gemeenten__id__exact", "e", "_to_field", "bestaat_niet"]


class GelezenSleutels:
    """Records every key asked of a QueryDict while it is active."""

    METHODS = ("__getitem__", "get", "getlist", "__contains__")

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.sleutels = set()

    def __enter__(self):
        for name in self.METHODS:
            original = getattr(QueryDict, name)

            def recording(qd, key, *args, _original=original):
                self.sleutels.add(key)
                return _original(qd, key, *args)

            self.monkeypatch.setattr(QueryDict, name, recording)
        return self

    def __exit__(self, *exc):
        self.monkeypatch.undo()


def get_pages(wereld, rol):
    """(route key, URL) of every page the user may GET, by the matrix."""
    rijen = lees_matrix()
    for route in routes():
        rij = rij_voor(route.sleutel, rijen)
        if rij.methode == "GET" and rij.verwacht[rol] == 200 and route.sleutel != "imports:fouten":
            yield route.sleutel, url_van(route, wereld)


def form_errors_shown(response):
    """Every form on the page that refused a value shows at least one of its messages."""
    if response.context is None or response.get("Content-Type", "").split(";")[0] != "text/html":
        return True
    page = response.content.decode()
    for value in {id(v): v for ctx in response.context for v in ctx.flatten().values()}.values():
        form = value.form if isinstance(value, FilterSet) else value
        if isinstance(form, BaseForm) and form.is_bound and form.errors:
            messages = [str(m) for errors in form.errors.values() for m in errors]
            if not any(html.escape(m) in page or m in page for m in messages):
                return False
    return True


def all_at_once(sleutels, values):
    for value in values:
        yield [(key, value) for key in sorted(sleutels)]
    yield [(key, value) for key in sorted(sleutels) for value in ("1", "x", "31-12-9999")]  # lists for one value


def one_by_one(sleutels, values):
    for key in sorted(sleutels):
        for value in values:
            yield [(key, value)]


def page_keys(client, url, monkeypatch):
    """(the keys the page reads, the keys its links and forms offer)."""
    with GelezenSleutels(monkeypatch) as gelezen:
        response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    linked = {key for query in re.findall(r'href="\?([^"#]*)"', page)
              for key, _value in parse_qsl(html.unescape(query), keep_blank_values=True)}
    controls = set(re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', page)) - {"csrfmiddlewaretoken"}
    return gelezen.sleutels, linked | controls, linked


def fuzz(client, url, queries):
    fouten = []
    for query in queries:
        data = QueryDict(mutable=True)
        for key, value in query:
            data.appendlist(key, value)
        response = client.get(f"{url}?{data.urlencode()}")
        if response.status_code >= 500:
            fouten.append(f"{url}: {response.status_code} bij {dict(query)!r:.300}")
        elif response.status_code == 200 and not form_errors_shown(response):
            fouten.append(f"{url}: formulierfout niet getoond bij {dict(query)!r:.300}")
    return fouten


@pytest.fixture
def wereld():
    return bouw_wereld()


def client_for(user):
    client = Client(raise_request_exception=False)  # a crash is a 500 to count, not an exception
    client.force_login(user)
    return client


def fuzz_page(client, url, monkeypatch, *, at_once, alone):
    gelezen, aangeboden, gelinkt = page_keys(client, url, monkeypatch)
    return (fuzz(client, url, all_at_once(gelezen | aangeboden | set(EXTRA), at_once))
            + fuzz(client, url, one_by_one(gelezen | gelinkt, alone)))


def test_hostile_parameters_never_break_an_app_page(wereld, monkeypatch):
    client = client_for(wereld.gebruikers["superuser"])
    fouten = []
    for _key, url in get_pages(wereld, "superuser"):
        if not url.startswith("/beheer/"):
            fouten += fuzz_page(client, url, monkeypatch, at_once=HOSTILE, alone=SHORT)
    assert not fouten, "\n".join(fouten[:40])


def test_hostile_parameters_never_break_an_app_page_for_a_scoped_user(wereld, monkeypatch):
    """A medewerker's option lists are its own gemeente's: a value from elsewhere is as hostile."""
    client = client_for(wereld.gebruikers["medewerker own"])
    fouten = []
    for _key, url in get_pages(wereld, "medewerker own"):
        fouten += fuzz_page(client, url, monkeypatch, at_once=SHORT, alone=SHORT[:2])
    assert not fouten, "\n".join(fouten[:40])


def test_hostile_parameters_never_break_an_admin_page(wereld, monkeypatch):
    client = client_for(wereld.gebruikers["superuser"])
    fouten = []
    for key, url in get_pages(wereld, "superuser"):
        if not url.startswith("/beheer/"):
            continue
        if key.endswith(("_changelist", "admin:index", "admin:app_list")):
            fouten += fuzz_page(client, url, monkeypatch, at_once=SHORT, alone=["x\x00<>", "99999999999"])
        else:
            fouten += fuzz_page(client, url, monkeypatch, at_once=["x\x00<>"], alone=["", "x\x00<>"])
    assert not fouten, "\n".join(fouten[:40])


@pytest.mark.parametrize("query", [
    "_to_field=",  # Django looks up the field "" when it is empty
    "tijdstip__year=9999",  # the date hierarchy's year after 9999
    "tijdstip__year=99999999999&tijdstip__month=1",  # too big for a C int
    "actie__exact=x%00y",  # PostgreSQL refuses NUL in a string
])
def test_the_admin_refuses_what_django_itself_would_crash_on(wereld, query):
    client = client_for(wereld.gebruikers["superuser"])
    response = client.get(f"/beheer/kandidaten/auditevent/?{query}")
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 302:
        assert response.url == "/beheer/kandidaten/auditevent/?e=1"
    assert client.get("/beheer/kandidaten/auditevent/?tijdstip__year=2026&tijdstip__month=12").status_code == 200

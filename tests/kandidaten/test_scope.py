"""Scope: what one user may see, built once per request and handed to every selector."""

import pytest
from django.test import RequestFactory

from kandidaten.models import Gemeente, Kandidaat
from kandidaten.scoping import Scope, kandidaten_voor, scope_van
from tests.factories import make_kandidaat, make_user

pytestmark = pytest.mark.django_db


def test_a_scope_sees_exactly_what_the_scoping_rule_gives(medewerker_epe, teamleider):
    for naam in ("Epe", "Apeldoorn", "Zwolle"):
        make_kandidaat(naam)
    for user in (medewerker_epe, teamleider):
        scope = Scope(user)
        assert set(scope.kandidaten()) == set(kandidaten_voor(user))
        assert scope.gemeente_ids == sorted(user.gemeenten.values_list("pk", flat=True))


def test_superusers_and_the_system_see_everything_the_inactive_nothing():
    make_kandidaat("Zwolle")
    admin = make_user("admin", is_superuser=True)
    inactive = make_user("weg", "Medewerker", gemeenten=["Zwolle"], is_active=False)
    assert Scope(admin).alles and Scope.systeem().alles
    assert Scope.systeem().kandidaten().count() == Kandidaat.objects.count() == 1
    assert Scope(inactive).leeg and Scope(inactive).kandidaten().count() == 0
    assert len(Scope.systeem().gemeente_ids) == Gemeente.objects.count()


def test_a_request_builds_its_scope_once(medewerker_epe, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = medewerker_epe
    scope = scope_van(request)
    with django_assert_num_queries(1):
        assert scope.gemeente_ids == scope_van(request).gemeente_ids  # asked twice, counted once
    assert scope_van(request) is scope


def test_the_scoping_functions_take_a_scope_as_well_as_a_user(medewerker_epe):
    make_kandidaat("Epe")
    make_kandidaat("Zwolle")
    assert kandidaten_voor(Scope.systeem()).count() == 2  # the system's scope: everything, not nothing
    assert kandidaten_voor(Scope(medewerker_epe)).count() == 1


def test_one_uitvoerende_given_as_text_is_one_term():
    from kandidaten.selectors.signalen import Vernauwing

    assert Vernauwing(uitvoerende="Alrijde B").uitvoerende == ("Alrijde B",)
    assert Vernauwing(uitvoerende="").uitvoerende == ()

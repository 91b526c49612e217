import pytest
from django.contrib.auth.models import Group

from kandidaten.models import Module, Traject
from kandidaten.roles import BEHEER, MEDEWERKER, TEAMLEIDER
from kandidaten.scoping import gemeenten_voor, items_voor, kandidaten_voor
from tests.factories import make_kandidaat, make_module, make_traject, make_user


@pytest.mark.django_db
def test_the_three_roles_exist_with_their_permissions():
    def perms(role):
        return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))

    assert {"view_kandidaat", "export_kandidaat"} <= perms(MEDEWERKER)
    assert "add_import" not in perms(MEDEWERKER)
    assert "change_kandidaat" not in perms(MEDEWERKER)
    assert {"change_kandidaat", "view_auditevent", "view_transparantie"} <= perms(TEAMLEIDER)
    assert "add_import" not in perms(TEAMLEIDER)
    assert {"add_import", "change_gemeente", "change_doelgroep", "add_gebruiker"} <= perms(BEHEER)


@pytest.mark.django_db
def test_a_medewerker_of_epe_sees_no_client_of_apeldoorn(medewerker_epe):
    in_epe = make_kandidaat("Epe")
    make_kandidaat("Apeldoorn")
    assert list(kandidaten_voor(medewerker_epe)) == [in_epe]


@pytest.mark.django_db
def test_a_user_without_gemeenten_sees_no_clients():
    user = make_user("nieuw", MEDEWERKER)
    make_kandidaat("Epe")
    assert kandidaten_voor(user).count() == 0
    assert gemeenten_voor(user).count() == 0


@pytest.mark.django_db
def test_a_superuser_sees_every_client():
    admin = make_user("admin", is_superuser=True)
    make_kandidaat("Epe")
    make_kandidaat("Heerde")
    assert kandidaten_voor(admin).count() == 2


@pytest.mark.django_db
def test_an_inactive_user_sees_nothing(medewerker_epe):
    make_kandidaat("Epe")
    medewerker_epe.is_active = False
    assert kandidaten_voor(medewerker_epe).count() == 0


@pytest.mark.django_db
def test_scoping_narrows_a_given_queryset_and_items_follow_their_client(medewerker_epe):
    epe = make_kandidaat("Epe", klantprofiel="J")
    make_kandidaat("Epe", klantprofiel="N")
    apeldoorn = make_kandidaat("Apeldoorn")
    traject_epe = make_traject(epe)
    make_traject(apeldoorn)
    make_module(apeldoorn)

    from kandidaten.models import Kandidaat

    assert list(kandidaten_voor(medewerker_epe, Kandidaat.objects.filter(klantprofiel="J"))) == [epe]
    assert list(items_voor(medewerker_epe, Traject)) == [traject_epe]
    assert items_voor(medewerker_epe, Module.objects.all()).count() == 0


@pytest.mark.django_db
def test_permissions_are_djangos_own_and_their_groups_read_in_one_query(django_assert_num_queries):
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission

    from kandidaten.backends import PermissieBackend

    user = make_user("gemengd", TEAMLEIDER, gemeenten=["Epe"])
    user.user_permissions.add(Permission.objects.get(codename="add_import"))
    with django_assert_num_queries(1):
        ours = PermissieBackend().get_all_permissions(user)
    assert ours == ModelBackend().get_all_permissions(type(user).objects.get(pk=user.pk))
    assert {"kandidaten.add_import", "kandidaten.view_transparantie"} <= ours
    user.is_active = False
    assert PermissieBackend().get_all_permissions(user) == set()

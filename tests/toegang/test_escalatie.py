"""A "Functioneel beheer" account in the admin, attacked the way an insider would (issue #15).

Every attempt goes over HTTP to the real admin with CSRF enforced, and the database is read afterwards:
a refused attempt may answer 200 (the form shown again), 302, 403 or 404 — what counts is that nothing
changed. Beheer manages only users within its own gemeenten and rights and never touches a superuser.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from kandidaten.models import Gebruiker, Gemeente
from kandidaten.roles import BEHEER, MEDEWERKER, TEAMLEIDER
from tests.factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "geheim-wachtwoord-123"
NEW_PASSWORD = "een-heel-ander-wachtwoord-42"


@pytest.fixture
def beheer_epe():
    return make_user("beheer.epe", BEHEER, gemeenten=["Epe"])


@pytest.fixture
def superuser():
    # Shares Epe with beheer: being a superuser alone must keep it out of beheer's reach.
    user = make_user("admin", gemeenten=["Epe"], is_superuser=True)
    Gebruiker.objects.filter(pk=user.pk).update(is_staff=True)
    user.is_staff = True
    return user


@pytest.fixture
def teamleider_epe():
    return make_user("teamleider.epe", TEAMLEIDER, gemeenten=["Epe"])


@pytest.fixture
def attacker(beheer_epe):
    client = Client(enforce_csrf_checks=True)
    client.force_login(beheer_epe)
    client.get("/")  # the app's pages set the CSRF cookie
    return client


def post(client, url, data):
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def change_url(user):
    return f"/beheer/kandidaten/gebruiker/{user.pk}/change/"


def password_url(user):
    return f"/beheer/kandidaten/gebruiker/{user.pk}/password/"


def change_form(user, **changes):
    """Everything the user change form can carry, as the user is now, with `changes` on top."""
    data = {
        "username": user.username, "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "begeleider_naam": user.begeleider_naam,
        "is_active": "on" if user.is_active else "",
        "groups": [g.pk for g in user.groups.all()],
        "gemeenten": [g.pk for g in user.gemeenten.all()],
        "date_joined_0": "01-01-2026", "date_joined_1": "09:00:00",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def snapshot(user):
    user = Gebruiker.objects.get(pk=user.pk)
    return {
        "is_superuser": user.is_superuser, "is_staff": user.is_staff, "is_active": user.is_active,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "gemeenten": sorted(user.gemeenten.values_list("naam", flat=True)),
        "user_permissions": sorted(user.user_permissions.values_list("codename", flat=True)),
        "password": user.password, "username": user.username,
    }


def group(name):
    return Group.objects.get(name=name).pk


def test_beheer_cannot_make_itself_superuser_or_staff_beyond_its_role(attacker, beheer_epe):
    before = snapshot(beheer_epe)
    post(attacker, change_url(beheer_epe), change_form(beheer_epe, is_superuser="on", is_staff="on"))
    assert snapshot(beheer_epe) == before


def test_beheer_cannot_add_gemeenten_to_itself(attacker, beheer_epe):
    apeldoorn = Gemeente.objects.get(naam="Apeldoorn").pk
    before = snapshot(beheer_epe)
    response = post(attacker, change_url(beheer_epe),
                    change_form(beheer_epe, gemeenten=[Gemeente.objects.get(naam="Epe").pk, apeldoorn]))
    assert snapshot(beheer_epe) == before
    assert response.status_code == 200 and "errornote" in response.content.decode()  # the form says no


def test_beheer_cannot_give_itself_a_role_or_permissions_beyond_its_own(attacker, beheer_epe):
    before = snapshot(beheer_epe)
    change_kandidaat = Permission.objects.get(codename="change_kandidaat").pk
    post(attacker, change_url(beheer_epe), change_form(
        beheer_epe, groups=[group(BEHEER), group(TEAMLEIDER)], user_permissions=[change_kandidaat],
    ))
    assert snapshot(beheer_epe) == before


def test_beheer_cannot_change_a_superusers_password_or_account(attacker, superuser):
    before = snapshot(superuser)
    response = post(attacker, password_url(superuser),
                    {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code in (403, 404)
    post(attacker, change_url(superuser), change_form(superuser, is_active=""))
    assert snapshot(superuser) == before
    assert Gebruiker.objects.get(pk=superuser.pk).check_password(PASSWORD)


def test_beheer_cannot_change_the_password_of_a_user_outside_its_gemeenten(attacker, medewerker_apeldoorn):
    before = snapshot(medewerker_apeldoorn)
    response = post(attacker, password_url(medewerker_apeldoorn),
                    {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 404
    assert snapshot(medewerker_apeldoorn) == before


def test_beheer_cannot_take_over_a_user_with_more_rights_in_its_own_gemeente(attacker, teamleider_epe):
    """A teamleider's password would give beheer the teamleider's rights: read-only for beheer."""
    before = snapshot(teamleider_epe)
    response = post(attacker, password_url(teamleider_epe),
                    {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 403
    response = post(attacker, change_url(teamleider_epe), change_form(teamleider_epe, groups=[group(MEDEWERKER)]))
    assert response.status_code == 403
    assert snapshot(teamleider_epe) == before


def test_beheer_cannot_take_over_a_user_who_also_has_a_gemeente_it_has_not(attacker):
    both = make_user("medewerker.beide", MEDEWERKER, gemeenten=["Epe", "Apeldoorn"])
    before = snapshot(both)
    response = post(attacker, password_url(both),
                    {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 403
    assert snapshot(both) == before


def test_the_add_form_gives_a_new_user_no_more_than_beheers_own_rights(attacker):
    apeldoorn = Gemeente.objects.get(naam="Apeldoorn").pk
    response = post(attacker, "/beheer/kandidaten/gebruiker/add/", {
        "username": "stroman", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true",
        "is_superuser": "on", "is_staff": "on", "groups": [group(TEAMLEIDER)], "gemeenten": [apeldoorn],
    })
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert not Gebruiker.objects.filter(username="stroman").exists()


def test_beheer_cannot_edit_the_roles_permissions(attacker):
    medewerker = Group.objects.get(name=MEDEWERKER)
    before = sorted(medewerker.permissions.values_list("pk", flat=True))
    everything = list(Permission.objects.values_list("pk", flat=True))
    response = post(attacker, f"/beheer/auth/group/{medewerker.pk}/change/",
                    {"name": MEDEWERKER, "permissions": everything})
    assert response.status_code == 403
    response = post(attacker, "/beheer/auth/group/add/", {"name": "Alles", "permissions": everything})
    assert response.status_code == 403
    assert sorted(medewerker.permissions.values_list("pk", flat=True)) == before
    assert not Group.objects.filter(name="Alles").exists()


def test_bulk_actions_do_not_reach_a_superuser(attacker, superuser, medewerker_epe):
    response = post(attacker, "/beheer/kandidaten/gebruiker/", {
        "action": "delete_selected", "_selected_action": [superuser.pk, medewerker_epe.pk], "post": "yes",
    })
    assert response.status_code in (200, 302, 403)
    assert Gebruiker.objects.filter(pk__in=[superuser.pk, medewerker_epe.pk]).count() == 2


def test_beheer_lists_only_users_sharing_a_gemeente_and_never_a_superuser(
    attacker, beheer_epe, superuser, medewerker_epe, medewerker_apeldoorn, teamleider_epe
):
    html = attacker.get("/beheer/kandidaten/gebruiker/").content.decode()
    for shown in (beheer_epe, medewerker_epe, teamleider_epe):
        assert change_url(shown) in html, shown.username
    for hidden in (superuser, medewerker_apeldoorn):
        assert change_url(hidden) not in html, hidden.username
    assert attacker.get(change_url(superuser)).status_code == 302  # the admin's "does not exist"


def test_beheer_does_manage_a_medewerker_of_its_own_gemeente(attacker, medewerker_epe):
    """The rules leave beheer its work: role, gemeenten within its own, name, password."""
    epe = Gemeente.objects.get(naam="Epe").pk
    response = post(attacker, change_url(medewerker_epe), change_form(
        medewerker_epe, groups=[group(BEHEER)], gemeenten=[epe], begeleider_naam="B. Bakker",
    ))
    assert response.status_code == 302, response.content.decode()[:2000]
    changed = Gebruiker.objects.get(pk=medewerker_epe.pk)
    assert changed.begeleider_naam == "B. Bakker"
    assert list(changed.groups.values_list("name", flat=True)) == [BEHEER]
    assert changed.is_staff  # follows the role: beheer works in the admin
    assert not changed.is_superuser
    response = post(attacker, password_url(medewerker_epe),
                    {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302
    assert Gebruiker.objects.get(pk=medewerker_epe.pk).check_password(NEW_PASSWORD)


def test_beheer_adds_a_medewerker_for_its_own_gemeente(attacker):
    epe = Gemeente.objects.get(naam="Epe").pk
    response = post(attacker, "/beheer/kandidaten/gebruiker/add/", {
        "username": "nieuw.epe", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true",
        "groups": [group(MEDEWERKER)], "gemeenten": [epe],
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Gebruiker.objects.get(username="nieuw.epe")
    assert snapshot(created)["gemeenten"] == ["Epe"] and snapshot(created)["groups"] == [MEDEWERKER]
    assert not created.is_staff and not created.is_superuser
    assert attacker.get(response.url).status_code == 200  # and goes on to its change page


def test_a_superuser_still_grants_any_role(superuser, medewerker_apeldoorn):
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    client.get("/")
    response = post(client, change_url(medewerker_apeldoorn), change_form(
        medewerker_apeldoorn, groups=[group(TEAMLEIDER)], is_staff="on", is_superuser="on",
    ))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert snapshot(medewerker_apeldoorn)["is_superuser"] is True


def test_a_teamleider_can_neither_move_a_client_out_of_sight_nor_change_it_in_the_admin(teamleider_epe):
    """Issue #17: what the import writes is read-only in the admin; a forged POST changes nothing."""
    from kandidaten.models import Kandidaat
    from tests.factories import make_kandidaat

    kandidaat = make_kandidaat("Epe", begeleider="A. de Vries")
    client = Client(enforce_csrf_checks=True)
    client.force_login(teamleider_epe)
    client.get("/")
    url = f"/beheer/kandidaten/kandidaat/{kandidaat.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="gemeente"' not in page.content.decode()
    voor = Kandidaat.objects.filter(pk=kandidaat.pk).values().get()
    apeldoorn = Gemeente.objects.get(naam="Apeldoorn").pk
    for wijziging in ({"gemeente": apeldoorn}, {"begeleider": "C. Corrector"}, {"klantprofiel": "J"}):
        velden = {"pers_nr": kandidaat.pers_nr, "naam": kandidaat.naam, "gemeente": kandidaat.gemeente_id, **wijziging}
        assert post(client, url, velden).status_code == 403
    assert Kandidaat.objects.filter(pk=kandidaat.pk).values().get() == voor

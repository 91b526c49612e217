import pytest

from kandidaten.models import Doelgroep, KlantVan, derive_flags
from tests.factories import make_kandidaat


@pytest.mark.parametrize(
    ("dgr", "ba", "beschut", "status", "profiel", "expected"),
    [
        (True, True, False, "open", "N", (True, True, True)),
        (True, True, False, "open", "J", (True, True, False)),
        (True, True, False, "gesloten", "N", (True, False, False)),
        (True, False, False, "open", "N", (False, False, False)),
        (True, False, True, "open", "L", (True, True, True)),  # beschut werk counts without the box
        (False, True, True, "open", "N", (False, False, False)),
        (True, True, False, "", "O", (True, False, False)),
    ],
)
def test_derived_flags_follow_the_domain_definition(dgr, ba, beschut, status, profiel, expected):
    assert (
        derive_flags(dgr=dgr, banenafspraak=ba, beschut_werk=beschut, sonar_status=status, klantprofiel=profiel)
        == expected
    )


@pytest.mark.django_db
def test_klant_van_comes_from_indicering_else_the_doelgroep_table():
    explicit = make_kandidaat(doelgroep="Wajong", indicering=KlantVan.GEMEENTE)
    derived = make_kandidaat(doelgroep="wajong")
    unknown = make_kandidaat(doelgroep="Iets anders")
    assert explicit.klant_van == KlantVan.GEMEENTE
    assert derived.klant_van == KlantVan.UWV
    assert unknown.klant_van == KlantVan.ONBEKEND


@pytest.mark.django_db
def test_editing_a_doelgroep_rederives_klant_van_of_its_clients():
    kandidaat = make_kandidaat(doelgroep="Iets anders")
    Doelgroep.objects.create(naam="Iets Anders", klant_van=KlantVan.UWV)
    kandidaat.refresh_from_db()
    assert kandidaat.klant_van == KlantVan.UWV

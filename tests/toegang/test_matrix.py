"""The access matrix of docs/toegang.md, cell by cell: every URL pattern × every kind of user."""

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from tests.toegang.wereld import ROLLEN, bouw_wereld, routes, url_van

MATRIX = Path(__file__).resolve().parents[2] / "docs" / "toegang.md"


@dataclass(frozen=True)
class Rij:
    patroon: str
    methode: str
    verwacht: dict  # role -> status
    regel: int

    def patronen(self):
        """The row's pattern with every {a,b} written out."""
        def uit(patroon):
            match = re.search(r"\{([^{}]*)\}", patroon)
            if not match:
                return [patroon]
            return [p for keuze in match[1].split(",")
                    for p in uit(patroon[:match.start()] + keuze + patroon[match.end():])]

        return uit(self.patroon)


def lees_matrix():
    """The rows of the table headed "| URL | method | …" in docs/toegang.md."""
    regels = MATRIX.read_text(encoding="utf-8").splitlines()
    begin = next(i for i, regel in enumerate(regels) if regel.startswith("| URL | method |"))
    rijen = []
    for nummer, regel in enumerate(regels[begin + 2:], start=begin + 3):
        if not regel.startswith("|"):
            break
        cellen = [cel.strip() for cel in regel.strip().strip("|").split("|")]
        assert len(cellen) == 3 + len(ROLLEN), f"docs/toegang.md regel {nummer}: {len(cellen)} cellen"
        statussen = dict(zip(ROLLEN, (int(cel) for cel in cellen[2:2 + len(ROLLEN)]), strict=True))
        rijen.append(Rij(cellen[0].strip("`"), cellen[1], statussen, nummer))
    return rijen


def rij_voor(sleutel, rijen):
    """The row of a URL: the one that names it exactly, else the first whose pattern matches."""
    exact = [rij for rij in rijen if rij.patroon == sleutel]
    if exact:
        return exact[0]
    return next((rij for rij in rijen if any(fnmatch.fnmatchcase(sleutel, p) for p in rij.patronen())), None)


def test_every_url_pattern_has_a_row_and_every_row_a_url():
    rijen = lees_matrix()
    sleutels = [route.sleutel for route in routes()]
    zonder_rij = sorted(sleutel for sleutel in sleutels if rij_voor(sleutel, rijen) is None)
    assert not zonder_rij, (
        "Deze URL's hebben geen rij in docs/toegang.md; voeg er een toe (naam of route, methode en de status per "
        "gebruiker; zie 'Adding a URL' daar):\n" + "\n".join(zonder_rij)
    )
    gebruikt = {id(rij_voor(sleutel, rijen)) for sleutel in sleutels}
    ongebruikt = [f"regel {rij.regel}: {rij.patroon}" for rij in rijen if id(rij) not in gebruikt]
    assert not ongebruikt, "Deze rijen van docs/toegang.md passen bij geen URL meer:\n" + "\n".join(ongebruikt)


def _naar_inlogpagina(client, response):
    """Where an anonymous visitor's redirect ends: the app's login page (the admin's login forwards there)."""
    location = response["Location"]
    if location.startswith("/beheer/login/"):
        location = client.get(location)["Location"]
    return location.startswith("/inloggen/?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("rol", ROLLEN)
def test_every_url_answers_every_user_as_the_matrix_says(rol):
    wereld = bouw_wereld()
    gebruiker = wereld.gebruikers[rol]
    client = Client()
    rijen = lees_matrix()
    afwijkingen = []
    for route in routes():
        rij = rij_voor(route.sleutel, rijen)
        if rij is None:
            continue  # reported by the test above
        if gebruiker is not None and "_auth_user_id" not in client.session:
            client.force_login(gebruiker)  # at the start, and after a POST row that logged out
        url = url_van(route, wereld)
        response = client.post(url) if rij.methode == "POST" else client.get(url)
        verwacht = rij.verwacht[rol]
        if response.status_code != verwacht:
            afwijkingen.append(f"{rij.methode} {url} ({route.sleutel}, regel {rij.regel}): "
                               f"{response.status_code}, de matrix zegt {verwacht}")
        elif gebruiker is None and verwacht == 302 and not _naar_inlogpagina(client, response):
            afwijkingen.append(f"{url}: anoniem naar {response['Location']}, niet naar de inlogpagina")
    assert not afwijkingen, f"{rol}:\n" + "\n".join(afwijkingen)

"""Dutch name order: the stored sort key of a client's name, and the folding of text for comparisons.

Dutch lists sort a name on the surname without its tussenvoegsel, accents folded, case ignored:
"Boer, A. de", "de Boer, A." and "Boer, A." sort under B; "van den Berg" under B; "Öztürk" among the O's.
Names come as the case system writes them, "Achternaam, voorletters [tussenvoegsel]" (the seed's
"Willems, J."), sometimes "tussenvoegsel Achternaam, voorletters"; without a comma the whole name is taken
as the surname (only tussenvoegsels in front are set aside).

The key is made of the letters a-z and digits only, its parts ended by "0": every collation we meet
(SQLite's BINARY, PostgreSQL's C and the glibc/ICU locales that ignore spaces and punctuation) orders such
strings character by character, and "0" sorts before every letter, so "Berg" comes before "Bergen". The
database thus orders the list, its pages and its export exactly alike on SQLite and PostgreSQL, through an
index. (A surname with digits in it may sort a little off among its neighbours; names rarely have them.)
"""

import re
import unicodedata

SLEUTEL_LENGTE = 100  # the column's max_length
_EINDE = "0"  # ends a part: sorts before every letter in every collation, so "Berg" before "Bergen"

# Tussenvoegsels as folded words ("'t" -> "t"), Dutch and the foreign ones Dutch lists treat alike.
TUSSENVOEGSELS = frozenset(
    "van de der den het t ter ten te in op aan bij uit voor onder over la le les du d des da di del della "
    "dos das do von vom zu zum zur auf l s lo".split()
)
# Letters that Unicode does not decompose into a base letter and an accent.
_EIGEN_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})
_NIET_ALFANUMERIEK = re.compile(r"[^0-9a-z]+")


def vouw(tekst):
    """Text for comparing: case and accents folded, runs of spaces as one ("  ÖZTÜRK " -> "ozturk")."""
    decomposed = unicodedata.normalize("NFKD", (tekst or "").casefold().translate(_EIGEN_LETTERS))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def _kaal(woord):
    return _NIET_ALFANUMERIEK.sub("", vouw(woord))


def _splits_tussenvoegsels(woorden, vooraan):
    """(tussenvoegsels, rest): the tussenvoegsels at the front (or the end) of `woorden`, never all of them."""
    volgorde = list(woorden) if vooraan else list(reversed(woorden))
    tussen = []
    while len(volgorde) > 1 and _kaal(volgorde[0]) in TUSSENVOEGSELS:
        tussen.append(volgorde.pop(0))
    if not vooraan:
        tussen.reverse()
        volgorde.reverse()
    return tussen, volgorde


def naam_sorteersleutel(naam):
    """The sort key of a client's name: surname (without tussenvoegsel), voorletters, tussenvoegsel."""
    achter, _komma, voor = " ".join((naam or "").split()).partition(",")
    tussen_voor, achternaam = _splits_tussenvoegsels(achter.split(), vooraan=True)
    tussen_na, voorletters = _splits_tussenvoegsels(voor.split(), vooraan=False) if voor.strip() else ([], [])
    delen = (achternaam, voorletters, tussen_voor + tussen_na)
    return _EINDE.join("".join(map(_kaal, woorden)) for woorden in delen)[:SLEUTEL_LENGTE]

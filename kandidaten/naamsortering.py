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
_WEG = bytes(code for code in range(256) if not (48 <= code <= 57 or 97 <= code <= 122))  # all but 0-9, a-z
_WEG_BEHALVE_KOMMA = _WEG.replace(b",", b"")
_WEG_BEHALVE_KOMMA_EN_SPATIES = bytes(code for code in _WEG_BEHALVE_KOMMA if chr(code) not in " \t\n\r\x0b\x0c")
_KOMMA_WORDT_EINDE = bytes.maketrans(b",", _EINDE.encode())


def vouw(tekst):
    """Text for comparing: case and accents folded, runs of spaces as one ("  ÖZTÜRK " -> "ozturk")."""
    decomposed = unicodedata.normalize("NFKD", (tekst or "").casefold().translate(_EIGEN_LETTERS))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def _kaal(tekst):
    """Only a-z and 0-9 of folded text (what is left of other scripts goes too)."""
    return tekst.encode("ascii", "ignore").translate(None, _WEG).decode()


def letters_en_cijfers(tekst):
    """A word as it stands in a sort key ("Öztürk," -> "ozturk"): to search names in their keys."""
    return _kaal(vouw(tekst))


def naam_sorteersleutel(naam):
    """The sort key of a client's name: surname (without tussenvoegsel), voorletters, tussenvoegsel.

    Called for every client an import writes (200,000 in a first import: ~0.3 s), hence a quick way for the
    usual name, plain ASCII without a tussenvoegsel: lower-cased, then one byte-level translation.
    """
    naam = naam or ""
    if not naam.isascii():
        return _sleutel(vouw(naam))
    laag = naam.lower()
    woorden = laag.encode().translate(None, _WEG_BEHALVE_KOMMA_EN_SPATIES).decode().replace(",", " ").split()
    if laag.count(",") <= 1 and TUSSENVOEGSELS.isdisjoint(woorden):
        sleutel = laag.encode().translate(_KOMMA_WORDT_EINDE, _WEG_BEHALVE_KOMMA).decode()
        return (sleutel + (_EINDE if "," in laag else _EINDE * 2))[:SLEUTEL_LENGTE]
    return _sleutel(laag)


def _sleutel(gevouwen):
    achter, _komma, voor = gevouwen.partition(",")
    woorden = achter.split()
    begin = 0
    while begin < len(woorden) - 1 and _kaal(woorden[begin]) in TUSSENVOEGSELS:
        begin += 1
    na = voor.split()
    eind = len(na)
    while eind > 1 and _kaal(na[eind - 1]) in TUSSENVOEGSELS:
        eind -= 1
    delen = (woorden[begin:], na[:eind], woorden[:begin] + na[eind:])  # surname, voorletters, tussenvoegsel
    return _EINDE.join(_kaal("".join(deel)) for deel in delen)[:SLEUTEL_LENGTE]


def naam_sorteersleutels(namen):
    """The keys of a column of names (an import's): each distinct name worked out once."""
    sleutels = {naam: naam_sorteersleutel(naam) for naam in set(namen)}
    return [sleutels[naam] for naam in namen]

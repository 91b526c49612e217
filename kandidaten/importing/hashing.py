"""Row hashes: an unchanged row is recognised by the hash of its raw cells, without being normalised.

Every stored record keeps `bron_hash`, the hash of its raw cells as the last import that changed it read
them. The hash is salted with the reference data (gemeenten and aliases), this module's version and which
columns the file has, so a new alias or a file with another set of columns compares every row once.
"""

import hashlib

from django.db.models import Max

from kandidaten.models import Gemeente, GemeenteAlias

NORMALISE_VERSION = "2"
ABSENT = "<geen kolom>"  # a column the file lacks, in the salt

# What a stored hash covers: the key as shown (so 7974.0 and "7974" are one raw value, as they are one
# normalised value) and the other known cells as read. Rows of text only are joined (fast); any other row
# goes through repr(), which keeps 1, 1.0, "1" and a date apart.
_TEXT_ROW = "\x1e"  # repr() never starts with it
CELL_SEPARATOR = "\x1f"  # a cell holding it is refused (control character): never part of a stored row


def reference_salt():
    version = (
        Gemeente.objects.count(),
        GemeenteAlias.objects.count(),
        GemeenteAlias.objects.aggregate(m=Max("pk"))["m"],
        Gemeente.objects.aggregate(m=Max("pk"))["m"],
    )
    return f"{NORMALISE_VERSION}:{version}"


def sheet_salt(reference, layout):
    """The salt of a sheet's hashes: the reference data, its type and which of the type's columns it has."""
    export_type = layout.export_type
    present = ",".join(column.header if column in layout.positions else ABSENT for column in export_type.columns)
    return hash_key(f"{reference}:{export_type.name}:{present}")


def hash_key(salt):
    """blake2b's salt and personalisation parameters for the row hashes, from the salt text.

    Parameters instead of a key: a keyed hash compresses one block more per row (0.17 -> 0.11 s per 200k)."""
    digest = hashlib.blake2b(salt.encode("utf-8")).digest()
    return {"salt": digest[:16], "person": digest[16:32]}


def _serialise(shown_key, others):
    for cell in others:
        if type(cell) is not str:
            return repr((shown_key, others))
    return _TEXT_ROW + shown_key + CELL_SEPARATOR + CELL_SEPARATOR.join(others)


def raw_hash(salt, shown_key, others):
    """The stored `bron_hash` of a row; `salt` from hash_key()."""
    data = _serialise(shown_key, others).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=8, **salt).hexdigest()


def raw_hashes(salt, shown_keys, others_of_rows):
    """raw_hash() of many rows, the same digests."""
    return [digest.hex() for digest in raw_digests(salt, shown_keys, others_of_rows)]


def digests_of_text_rows(salt, rows, key_and_others):
    """raw_digests() of rows whose key cell is the key as shown (text), `key_and_others(row)` giving that cell
    and then the others: one join a row. None when a row has a cell that is no text."""
    prefix, join = _TEXT_ROW, CELL_SEPARATOR.join
    try:
        serialised = [prefix + join(cells) for cells in map(key_and_others, rows)]
    except TypeError:
        return None
    return _digests(salt, serialised)


def raw_digests(salt, shown_keys, others_of_rows):
    """The digests of raw_hash() as bytes, for many rows: the re-import's hot spot, where only the few rows
    that changed need their hash as text (bytes.hex)."""
    prefix, separator, join = _TEXT_ROW, CELL_SEPARATOR, CELL_SEPARATOR.join
    try:  # rows of text only, the usual export: str.join refuses anything else
        serialised = [prefix + shown_key + separator + join(others)
                      for shown_key, others in zip(shown_keys, others_of_rows, strict=True)]
    except TypeError:
        serialised = list(map(_serialise, shown_keys, others_of_rows))
    return _digests(salt, serialised)


def _digests(salt, serialised):
    # Copying a prepared hash costs less than passing salt and personalisation for every row (0.10 -> 0.06 s
    # per 200,000).
    prepared = hashlib.blake2b(digest_size=8, **salt)
    digests = []
    for text in serialised:
        digest = prepared.copy()
        digest.update(text.encode("utf-8", "surrogatepass"))
        digests.append(digest.digest())
    return digests

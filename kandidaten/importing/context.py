"""What the sheets of one file share while they are planned."""

from django.db import connection

from kandidaten.models import Doelgroep, Kandidaat, Traject

from . import normalise as n
from .hashing import reference_salt
from .scope import Scope


class Context:
    """The import day, the user's scope, reference data, and the keys the file itself brings.

    A file can bring clients and the items that point at them (a workbook with every export): the items are
    planned after the clients, against the clients stored and those the file brings.
    """

    def __init__(self, import_date, scope=None, prefetch=None):
        self.import_date = import_date
        self.scope = scope or Scope()
        self.prefetch = prefetch  # stored hashes read while the file was parsed (prefetch.py), or None
        self.salt = reference_salt()
        self.gemeenten = n.GemeenteResolver()
        self.doelgroep_klant_van = dict(Doelgroep.objects.values_list("sleutel", "klant_van"))
        self.derived = {}  # the derived flags per distinct combination of their inputs
        self.clients_in_file = {}  # key of a client the file brings -> its gemeente id
        self.trajecten_in_file = set()
        self._stored_clients = None  # key -> gemeente id
        self._stored_trajecten = None

    def hashes_read_ahead(self, export_type):
        return self.prefetch.stored_hashes(export_type) if self.prefetch else None

    def _clients(self):
        if self._stored_clients is None:
            self._stored_clients = dict(_read(Kandidaat, "pers_nr_sleutel", "gemeente_id"))
        return self._stored_clients

    def knows_client(self, client_key):
        return client_key in self.clients_in_file or client_key in self._clients()

    def client_gemeente(self, client_key):
        """The gemeente id of a client, as this file leaves it (None for an unknown client)."""
        if client_key in self.clients_in_file:
            return self.clients_in_file[client_key]
        return self._clients().get(client_key)

    def knows_traject(self, traject_key):
        if self._stored_trajecten is None:
            self._stored_trajecten = {key for key, in _read(Traject, "sleutel")}
        return traject_key in self.trajecten_in_file or traject_key in self._stored_trajecten


def _read(model, *columns):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table}")
        return cursor.fetchall()

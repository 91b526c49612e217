"""Uploads reach the disk only for users allowed to import, and no body beyond the limit is read at all."""

import io

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.test import Client, RequestFactory

from kandidaten.models import Import
from kandidaten.uploads import UploadPoortHandler
from tests.importing.files import kandidaat_row, kandidaten_xlsx

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


@pytest.fixture
def disk(settings, tmp_path, monkeypatch):
    """Every byte a file handler receives, per handler; files above 1 KB would go to a temporary file."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    (tmp_path / "upload-tmp").mkdir()
    received = {"tijdelijk bestand": 0, "geheugen": 0}

    def spy(handler_class, key):
        original = handler_class.receive_data_chunk

        def receive(self, raw_data, start):
            received[key] += len(raw_data)
            return original(self, raw_data, start)

        monkeypatch.setattr(handler_class, "receive_data_chunk", receive)

    spy(TemporaryFileUploadHandler, "tijdelijk bestand")
    spy(MemoryFileUploadHandler, "geheugen")
    return received


@pytest.fixture
def upload_file(tmp_path):
    """A real export of about 100 KB: well above the 1 KB that goes to disk, well below the 5 MB form limit."""
    rows = [kandidaat_row(str(n), Naam=f"Naam, {'x' * 40}{n}") for n in range(2500)]
    path = kandidaten_xlsx(tmp_path / "kandidaten.xlsx", rows)
    assert 50_000 < path.stat().st_size < 5 * MB
    return path


def csrf_client(user=None):
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.get("/inloggen/" if user is None else "/")  # a page with a form sets the CSRF cookie
    return client


def post_upload(client, path, url="/import/nieuw/"):
    with open(path, "rb") as handle:
        token = client.cookies["csrftoken"].value
        return client.post(url, {"bestand": handle, "soort": "", "csrfmiddlewaretoken": token})


def test_an_anonymous_upload_never_reaches_a_file_handler(disk, upload_file):
    response = post_upload(csrf_client(), upload_file)
    assert response.status_code == 302 and response.url.startswith("/inloggen/")
    assert disk == {"tijdelijk bestand": 0, "geheugen": 0}
    assert not Import.objects.exists()


def test_a_medewerkers_upload_never_reaches_a_file_handler(disk, upload_file, medewerker_epe, teamleider):
    for user in (medewerker_epe, teamleider):
        response = post_upload(csrf_client(user), upload_file)
        assert response.status_code == 403, user.username  # refused by the view, with the CSRF token read
        assert disk == {"tijdelijk bestand": 0, "geheugen": 0}, user.username


def test_a_file_sent_to_a_page_that_takes_none_is_dropped_and_the_form_still_works(disk, upload_file, medewerker_epe):
    client = csrf_client(medewerker_epe)
    response = post_upload(client, upload_file, url="/uitloggen/")
    assert response.status_code == 302  # logged out: the CSRF token in the same body was read
    assert "_auth_user_id" not in client.session
    assert disk == {"tijdelijk bestand": 0, "geheugen": 0}


def test_beheers_upload_does_reach_the_disk(disk, upload_file, beheerder):
    """The other tests' zeros mean something: the same upload from beheer is written and imported."""
    response = post_upload(csrf_client(beheerder), upload_file)
    assert response.status_code == 302
    assert disk["tijdelijk bestand"] >= upload_file.stat().st_size
    assert Import.objects.get().status == Import.Status.VOORBEELD


class UnreadBody(io.BytesIO):
    """A request body that remembers whether anything read it."""

    reads = 0

    def read(self, *args):
        self.reads += 1
        return super().read(*args)


@pytest.mark.parametrize("who", ["anoniem", "medewerker", "beheer"])
def test_a_body_over_the_limit_is_refused_with_413_before_a_byte_is_read(disk, who, medewerker_epe, beheerder):
    client = Client()
    if who != "anoniem":
        client.force_login(medewerker_epe if who == "medewerker" else beheerder)
    body = UnreadBody(b"--x\r\n" * 10)
    response = client.generic("POST", "/import/nieuw/", b"ignored", content_type="multipart/form-data; boundary=x",
                              CONTENT_LENGTH=str(300 * MB), **{"wsgi.input": body})
    assert response.status_code == 413
    assert "Te groot" in response.content.decode() and "50 MB" in response.content.decode()
    assert body.reads == 0


def test_only_who_may_upload_may_send_more_than_the_form_limit(medewerker_epe, beheerder):
    six_mb = SimpleUploadedFile("groot.bin", b"\0" * (6 * MB))
    for user, expected in ((medewerker_epe, 413), (beheerder, 200)):  # beheer: read, then "choose a file"
        client = Client()
        client.force_login(user)
        six_mb.seek(0)
        response = client.post("/import/nieuw/", {"ander_veld": six_mb})
        assert response.status_code == expected, user.username
    six_mb.seek(0)
    response = client.post("/kandidaten/", {"ander_veld": six_mb})
    assert response.status_code == 413  # elsewhere the form limit holds for beheer too


def test_the_handler_stops_an_allowed_upload_that_runs_past_the_limit(settings, beheerder):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100 * 1024
    request = RequestFactory().post("/import/nieuw/")
    request.user = beheerder
    handler = UploadPoortHandler(request)
    handler.handle_raw_input(None, request.META, 0, b"x")  # a body whose length was not announced
    handler.new_file("bestand", "k.xlsx", "application/octet-stream", None)
    chunk = b"x" * (64 * 1024)
    assert handler.receive_data_chunk(chunk, 0) == chunk
    assert handler.receive_data_chunk(chunk, len(chunk)) == chunk
    with pytest.raises(RequestDataTooBig):
        handler.receive_data_chunk(chunk, 2 * len(chunk))

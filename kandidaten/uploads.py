"""A request body reaches the server's disk only from a user allowed to upload there, and only up to the limit.

Django parses a multipart body, and writes its files to temporary files, the first time anything reads
request.POST or request.FILES, and the CSRF check does that before any login or permission check: an
anonymous visitor's or a medewerker's 300 MB POST was written to disk before it was refused. Two guards:

- `UploadPoortMiddleware` (right after AuthenticationMiddleware, before anything reads a body) refuses a
  Content-Length over what this user may send here with 413, unread: the upload limit for a user allowed to
  upload on an upload URL, Django's form limit (DATA_UPLOAD_MAX_MEMORY_SIZE) for everyone and everywhere else.
- `UploadPoortHandler` (first in FILE_UPLOAD_HANDLERS) skips every file of a request that may not carry one,
  so its bytes are read and dropped, never written; the form fields still arrive (the CSRF token, the
  login form). It counts an allowed upload's bytes too, for a body whose length was not announced.

A URL that takes a file gets a row in UPLOAD_URLS, with the permission that allows it.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.shortcuts import render
from django.urls import Resolver404, resolve

UPLOAD_URLS = {"imports:nieuw": "kandidaten.add_import", "transparantie:uwv_upload": "kandidaten.add_uwvtelling"}
# Room beside the file for the form's other fields and the multipart framing (a few hundred bytes).
FORMULIER_MARGE = 64 * 1024


def mag_uploaden(request):
    """Whether this request may carry a file: a logged-in user with the permission of an upload URL."""
    try:
        permission = UPLOAD_URLS.get(resolve(request.path_info).view_name)
    except Resolver404:
        return False
    user = getattr(request, "user", None)
    return permission is not None and user is not None and user.is_authenticated and user.has_perm(permission)


def grootste_body(toegestaan):
    """The largest body a request may send: the upload limit where it may upload (`toegestaan`, mag_uploaden),
    else the form limit."""
    if toegestaan:
        return settings.IMPORT_MAX_UPLOAD_BYTES + FORMULIER_MARGE
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _content_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django reads nothing of a body without a usable length


class UploadPoortMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = _content_length(request)
        # The cheap test first: most requests have no body, and mag_uploaden resolves the URL.
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE and length > grootste_body(mag_uploaden(request)):
            megabytes = settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)
            return render(request, "413.html", {"megabytes": megabytes}, status=413)
        return self.get_response(request)


class UploadPoortHandler(FileUploadHandler):
    """First of the upload handlers: a file of a request that may not carry one is never written."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.toegestaan = mag_uploaden(self.request)
        self.grens = grootste_body(self.toegestaan)
        self.gelezen = 0

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        if not self.toegestaan:
            raise SkipFile  # read and dropped: the next handlers never see it, no temporary file is made
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)

    def receive_data_chunk(self, raw_data, start):
        self.gelezen += len(raw_data)
        if self.gelezen > self.grens:
            raise RequestDataTooBig("De upload is groter dan de grens.")  # the parser closes (deletes) its files
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers make the file

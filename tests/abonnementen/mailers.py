"""Mail backends for the tests: Django's in-memory backend, slowed down or failing on purpose."""

import smtplib
import threading

from django.core.mail.backends import locmem


class Traag(locmem.EmailBackend):
    """The thread named "eerste" waits inside its first send until the test releases it."""

    binnen = threading.Event()
    verder = threading.Event()

    def send_messages(self, messages):
        if threading.current_thread().name == "eerste" and not Traag.binnen.is_set():
            Traag.binnen.set()
            Traag.verder.wait(10)
        return super().send_messages(messages)


class Weigert(locmem.EmailBackend):
    """The mail server refuses every address with "weigert" in it."""

    def send_messages(self, messages):
        for message in messages:
            if any("weigert" in adres for adres in message.to):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"mailbox unavailable")})
        return super().send_messages(messages)


class Onbereikbaar(locmem.EmailBackend):
    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")

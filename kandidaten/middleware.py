"""Middleware of the app: the idle timeout without a database write on every request; no cached pages."""

import time

from django.conf import settings
from django.utils.cache import add_never_cache_headers

RENEW_AFTER = 60  # seconds: the idle timeout holds to within this


class SessionVerlengenMiddleware:
    """Renews a logged-in session's expiry (SESSION_COOKIE_AGE from now) at most once a minute.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) wrote a row per page view, and on
    SQLite a write waits while an import applies (it holds the write lock until it commits): every page,
    the import's own progress page included, hung until the import was done. Inside SessionMiddleware, so
    the session it marks as changed is saved on the way out. A view sets `request.verleng_sessie = False`
    for a request that is no user activity (the import page polling its progress).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if not getattr(request, "verleng_sessie", True):  # a page polling by itself is no sign of a user
            return response
        if session is not None and not session.is_empty() and settings.SESSION_COOKIE_AGE:
            now = int(time.time())
            if now - session.get("_verlengd", 0) >= RENEW_AFTER:
                session["_verlengd"] = now
        return response


class GeenCacheMiddleware:
    """Every response of the app says `Cache-Control: no-store` (with private, no-cache, max-age=0).

    Nearly every page, and every download, holds personal data; a browser's or proxy's copy outlives the
    session and the audit log. One rule for all responses (redirects and error pages included) rather than
    a decorator per view that a new view would forget. Static files never get here: WhiteNoise, before this
    in MIDDLEWARE, answers them with their own long-lived caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def settings_in_subprocess(expression, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_DEBUG", "SECRET_KEY"}}
    environment.update(env)
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings"
    code = f"import django; from django.conf import settings; django.setup(); print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_database_url_selects_postgresql():
    result = settings_in_subprocess(
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME']",
        DATABASE_URL="postgres://u@db.example:5432/kandidaten",
        DJANGO_DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout and "kandidaten" in result.stdout


def test_default_database_is_a_sqlite_file_in_the_project():
    result = settings_in_subprocess("settings.DATABASES['default']['NAME']", DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(ROOT / "db.sqlite3")


def test_secret_key_is_required_when_debug_is_off():
    result = settings_in_subprocess("settings.SECRET_KEY")
    assert result.returncode != 0
    assert "SECRET_KEY ontbreekt" in result.stderr


def test_environment_sets_hosts_idle_timeout_and_upload_limit():
    result = settings_in_subprocess(
        "settings.ALLOWED_HOSTS, settings.SESSION_COOKIE_AGE, settings.IMPORT_MAX_UPLOAD_BYTES, settings.DEBUG",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="a.example.nl,b.example.nl",
        SESSION_IDLE_TIMEOUT="600",
        IMPORT_MAX_UPLOAD_MB="10",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['a.example.nl', 'b.example.nl'] 600 10485760 False"


def test_dutch_time_zone_language_and_date_format(settings):
    from datetime import date

    from django.utils import formats, translation

    assert settings.TIME_ZONE == "Europe/Amsterdam"
    assert settings.LANGUAGE_CODE == "nl"
    with translation.override("nl"):
        assert formats.date_format(date(2026, 11, 22)) == "22-11-2026"


def test_session_expires_after_idle_time(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert "kandidaten.middleware.SessionVerlengenMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
def test_a_session_is_renewed_at_most_once_a_minute(client, django_user_model, monkeypatch):
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kandidaten import middleware

    client.force_login(django_user_model.objects.create_user("lies", password="x" * 12))
    clock = [1_000_000.0]
    monkeypatch.setattr(middleware.time, "time", lambda: clock[0])

    def session_writes():
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        return sum(1 for query in queries if "django_session" in query["sql"] and "SELECT" not in query["sql"])

    assert session_writes() == 1, "the first request renews the expiry"
    expiry = Session.objects.get().expire_date
    clock[0] += 59
    assert session_writes() == 0, "within the minute: no write"
    clock[0] += 2
    assert session_writes() == 1, "a minute later: renewed"
    assert Session.objects.get().expire_date >= expiry


def test_postgresql_connections_run_without_jit_compilation():
    result = settings_in_subprocess(
        "settings.DATABASES['default']['OPTIONS']",
        DATABASE_URL="postgres://u@db.example:5432/kandidaten",
        DJANGO_DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert "'options': '-c jit=off'" in result.stdout


@pytest.mark.django_db
def test_the_database_connection_the_app_uses_has_jit_switched_off_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        assert "options" not in connection.settings_dict["OPTIONS"]  # SQLite has no JIT and no such option
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"

"""`make loadtest`: the app under gunicorn, logged-in users driven by locust, loopback only (docs/performance.md)."""

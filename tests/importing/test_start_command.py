"""`make run` runs `manage.py start`: the web server and the import worker together, one Ctrl+C stops both."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_of(pid):
    """The command lines of the processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if entry.name.isdigit() and int(fields[1]) == pid:
                found.append((int(entry.name), (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()))
        except (OSError, IndexError):
            continue
    return found


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def group_empty(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def answers(url):
    try:
        return urllib.request.urlopen(url, timeout=2).status == 200
    except OSError:
        return False


DEVELOPMENT = {"DJANGO_DEBUG": "1"}
# make serve: production settings, on loopback http (no TLS proxy here).
PRODUCTION = {"DJANGO_DEBUG": "0", "SECRET_KEY": "test-" + "x" * 60, "ALLOWED_HOSTS": "127.0.0.1",
              "SECURE_SSL_REDIRECT": "0"}


@pytest.mark.parametrize(("options", "server", "environment"), [
    ((), "runserver", DEVELOPMENT),
    (("--gunicorn", "--workers", "2"), "gunicorn", PRODUCTION),
], ids=["make run", "make serve"])
def test_start_runs_server_and_worker_the_worker_at_a_lower_priority_and_one_interrupt_stops_both(
        tmp_path, options, server, environment):
    env = {**os.environ, **environment, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "MEDIA_ROOT": str(tmp_path / "media")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    # Started as a shell starts a background job: SIGINT ignored, which its children inherit.
    launcher = subprocess.Popen([sys.executable, "manage.py", "start", *options, f"127.0.0.1:{port}"], cwd=ROOT,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    output = []
    reader = threading.Thread(target=lambda: output.extend(launcher.stdout), daemon=True)
    reader.start()
    children = []
    try:
        assert wait_for(lambda: answers(f"http://127.0.0.1:{port}/inloggen/")), "the web server answers"
        # The worker starts at a lower priority (IMPORT_NICENESS): on a busy machine it may come after the server.
        assert wait_for(lambda: any("Starting worker" in line for line in output)), "the worker started"
        children = children_of(launcher.pid)
        assert sorted(server in line for _, line in children) == [False, True]
        assert any("db_worker" in line for _, line in children)
        started_with = os.getpriority(os.PRIO_PROCESS, launcher.pid)
        assert {("worker" if "db_worker" in line else "web"): os.getpriority(os.PRIO_PROCESS, pid)
                for pid, line in children} == {"web": started_with, "worker": max(started_with, 10)}
        launcher.send_signal(signal.SIGINT)  # what Ctrl+C sends
        assert launcher.wait(timeout=30) == 0
        for pid, _ in children:  # each child leads a process group: runserver's reloaded child included
            assert wait_for(lambda pid=pid: group_empty(pid), seconds=5), pid
        reader.join(timeout=5)
        assert any("Stoppen" in line for line in output)
    finally:  # whatever failed: nothing this test started keeps running
        for pid, _ in children:
            if not group_empty(pid):
                os.killpg(pid, signal.SIGKILL)
        if launcher.poll() is None:
            launcher.kill()


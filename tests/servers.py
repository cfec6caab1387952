"""The production configuration (gunicorn, DEBUG off) on a loopback port, for the tests.

tests/test_production_server.py and the ``server`` tests of tests/test_faults.py
start it to see what a real server puts on the wire, as `make serve` runs it.
Everything the server writes (SQLite file, collected static files, cache
generation file) lives in a working directory the test owns; the repository is
never touched. `make bench` and `make soak` build on this module through
bench/server.py, which adds the workers' memory.
"""

import fcntl
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
# Variables from the caller's environment that must not leak into the server.
SCRUBBED = (
    "PYTEST_VERSION",
    "PYTEST_CURRENT_TEST",
    "PYTEST_XDIST_WORKER",
    "PYTEST_XDIST_WORKER_COUNT",
    "DATABASE_URL",
    "REDIS_URL",
    "SQLITE_PATH",
    "DJANGO_DEBUG",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_SECURE_COOKIES",
    "DJANGO_HSTS_SECONDS",
    "DJANGO_BEHIND_TLS_PROXY",
    "DJANGO_ALLOWED_HOSTS",
    "CACHE_GENERATION_FILE",
    "CACHE_KEY_PREFIX",
    "DJANGO_STATIC_ROOT",
    "WEB_CONCURRENCY",
    "GUNICORN_ACCESS_LOG",
)


def production_env(workdir, *, database_url=None, redis_url=None, static_root=None, extra=None):
    """The environment `make serve` would run with, pointed at ``workdir``.

    ``static_root``: where the collected static files live, if not in ``workdir``; the tests
    pass one directory for the whole run, so the files are collected once (collect_static()).
    """
    workdir = Path(workdir)
    env = {key: value for key, value in os.environ.items() if key not in SCRUBBED}
    env.update(
        DJANGO_SETTINGS_MODULE="site_config.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        SQLITE_PATH=str(workdir / "db.sqlite3"),
        DJANGO_STATIC_ROOT=str(static_root or workdir / "static"),
        CACHE_GENERATION_FILE=str(workdir / "cache-generation"),
        CACHE_KEY_PREFIX=f"test-{workdir.name}",
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra or {})
    return env


def manage(env, *args, check=True):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=check, capture_output=True, text=True
    )


def prepare(env):
    """What `make serve` does before starting gunicorn: migrate, seed, collectstatic.

    Migrate and seed run in one process (one Django start-up instead of two).
    """
    manage(
        env,
        "shell",
        "--command",
        "from django.core.management import call_command\n"
        "call_command('migrate', interactive=False, verbosity=0)\n"
        "call_command('seed_statuscodes', verbosity=0)\n",
    )
    collect_static(env)


def collect_static(env):
    """collectstatic into the env's DJANGO_STATIC_ROOT, unless that directory already holds a
    finished collection; a lock beside it makes a second process (an xdist worker) wait for
    the first instead of collecting into the same directory at the same time.

    The collected files depend only on the repository, so every server of a test run serves
    the same directory and the files are compressed and hashed once per run.
    """
    static_root = Path(env["DJANGO_STATIC_ROOT"])
    finished = static_root.with_name(static_root.name + ".collected")
    with open(static_root.with_name(static_root.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not finished.exists():
            manage(env, "collectstatic", "--noinput", "--verbosity", "0")
            finished.touch()


class ProductionServer:
    """gunicorn with gunicorn.conf.py on a loopback port; a context manager.

    The listening socket is bound here, on a port the kernel picks, and handed to
    gunicorn as an open file descriptor (``fd://``): no other process can take the
    port between choosing it and gunicorn binding it.
    """

    def __init__(self, env, *, workers=None, log_path=None):
        self.env = dict(env)
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port = self.listener.getsockname()[1]
        self.env["PORT"] = str(self.port)
        self.env["GUNICORN_BIND"] = f"fd://{self.listener.fileno()}"
        if workers:
            self.env["WEB_CONCURRENCY"] = str(workers)
        # Beside the server's own SQLite file: the static root may be shared with other servers.
        self.log_path = Path(log_path) if log_path else Path(env["SQLITE_PATH"]).parent / "gunicorn.log"
        self.process = None
        self.terminating = False

    @property
    def expected_workers(self):
        return int(self.env.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def url(self, path):
        return self.base_url + path

    def start(self, timeout=30):
        self._log = open(self.log_path, "ab")  # closed in stop()
        self.process = subprocess.Popen(
            [GUNICORN, "--config", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            pass_fds=[self.listener.fileno()],
        )
        self.listener.close()  # gunicorn holds the socket now
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url("/robots.txt"), timeout=2) as response:
                    # One worker answering is not enough: wait until all have booted.
                    if response.status == 200 and len(self.worker_pids()) >= self.expected_workers:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout}s:\n{self.log()}")

    def wait_until_accepted(self, clients, timeout=10):
        """Wait until a worker has accepted each of the ``clients`` (sockets connected to the server).

        Linux lists every TCP socket in /proc/net/tcp; one that waits in the listen queue has
        no inode there until a process accepts it.
        """
        ports = {sock.getsockname()[1] for sock in clients}
        deadline = time.monotonic() + timeout
        while True:
            accepted = set()
            for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
                fields = line.split()
                local_port, remote_port = (int(address.rsplit(":", 1)[1], 16) for address in fields[1:3])
                if local_port == self.port and remote_port in ports and fields[9] != "0":
                    accepted.add(remote_port)
            if accepted == ports:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"workers accepted {len(accepted)} of {len(ports)} connections")
            time.sleep(0.01)

    def worker_pids(self):
        """The gunicorn workers: children of the master process."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.process.pid:
                pids.append(int(entry.name))
        return sorted(pids)

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def terminate(self):
        """Ask gunicorn to shut down gracefully (once), without waiting; stop() waits."""
        if self.process and self.process.poll() is None and not self.terminating:
            self.process.send_signal(signal.SIGTERM)
            self.terminating = True

    def stop(self):
        self.listener.close()
        if self.process and self.process.poll() is None:
            self.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "_log", None):
            self._log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

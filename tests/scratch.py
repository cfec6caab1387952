"""Scratch PostgreSQL databases for the tests that need one of their own.

Each is named after the run's database (``DATABASE_URL``'s name, or ``statuscodes``
on a SQLite run), what it is for and the test process, and lives on the run's
PostgreSQL server (127.0.0.1:5432 on a SQLite run). Two runs side by side, or two
xdist workers, never share one, and every one is dropped when its test is done.
"""

import contextlib
import os
from urllib.parse import urlsplit, urlunsplit

from .plugins import missing_tool

_RUN_URL = os.environ.get("DATABASE_URL", "")
_SERVER_URL = _RUN_URL if _RUN_URL.startswith(("postgres://", "postgresql://")) else ""
_BASE = urlsplit(_SERVER_URL or "postgres://postgres@127.0.0.1:5432/statuscodes")


def scratch_name(purpose):
    return f"{_BASE.path.lstrip('/') or 'statuscodes'}_{purpose}_{os.getpid()}"


def scratch_url(name, port=None):
    """The URL of database ``name`` on the run's PostgreSQL server (``port``: through a relay)."""
    netloc = _BASE.netloc
    if port is not None:
        netloc = f"{netloc.rsplit('@', 1)[0]}@127.0.0.1:{port}" if "@" in netloc else f"127.0.0.1:{port}"
    return urlunsplit(_BASE._replace(netloc=netloc, path=f"/{name}"))


def server_port():
    return _BASE.port or 5432


@contextlib.contextmanager
def scratch_database(purpose):
    """Create an empty database for ``purpose``, yield its name, and drop it afterwards.

    Without PostgreSQL the test skips, or fails under CI=true.
    """
    import psycopg

    admin_url = urlunsplit(_BASE._replace(scheme="postgresql", path="/postgres"))
    name = scratch_name(purpose)
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        missing_tool(f"PostgreSQL is not running at {_BASE.hostname}:{server_port()}: {exc}")
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

"""One migrated test database, copied for every pytest process.

Each pytest-xdist process used to migrate its own test database: about 20 s on SQLite
and 40 s on PostgreSQL per process, in parallel on two CPUs. Instead the first process
migrates a template once, under a lock, named by a hash of the code the migrations run
(the apps' sources and Django's version); every process then copies it, a file copy on
SQLite and CREATE DATABASE … TEMPLATE on PostgreSQL, and pytest-django opens the copy
with keepdb (its migrate finds nothing to apply). Later runs reuse the template while
that code is unchanged. `python -m tests.db_template` builds it ahead (.ci/run does for
SQLite while the static checks run on the other CPU).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Everything a migration or a post_migrate receiver can import or read.
SOURCES = ("portal", "enterprises", "reviews", "certification", "hazards", "reporting")
NOT_READ_BY_MIGRATIONS = {"__pycache__", "templates", "static", "locale"}


def code_key() -> str:
    import django

    digest = hashlib.sha256(django.get_version().encode())
    for top in SOURCES:
        for path in sorted((ROOT / top).rglob("*")):
            relative = path.relative_to(ROOT)
            if path.is_file() and not NOT_READ_BY_MIGRATIONS & set(relative.parts):
                digest.update(str(relative).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def usable() -> bool:
    """Only for the one database the suite creates (the replica check's mirror reads it)."""
    from django.conf import settings

    others = [a for a, s in settings.DATABASES.items() if a != "default"]
    return all(settings.DATABASES[a].get("TEST", {}).get("MIRROR") for a in others)


@contextmanager
def _locked():
    from django.conf import settings

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    with open(settings.VAR_DIR / "test-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def _test_name(connection, name: str):
    """Let Django's create_test_db make the database `name`, then point the connection
    back where it was."""
    from django.conf import settings

    saved_name = connection.settings_dict["NAME"]
    test = connection.settings_dict.setdefault("TEST", {})
    saved_test_name = test.get("NAME")
    test["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = saved_name
        settings.DATABASES[connection.alias]["NAME"] = saved_name
        test["NAME"] = saved_test_name


def _migrate_into(connection, name: str) -> None:
    with _test_name(connection, name):
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        if connection.vendor == "sqlite":
            # Copy a whole file: everything from the write-ahead log into it first.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class SqliteTemplate:
    def __init__(self, connection, key: str):
        from django.conf import settings

        self.connection = connection
        self.path = settings.VAR_DIR / f"test-template-{key}.sqlite3"

    def ensure(self) -> None:
        if self.path.exists():
            return
        building = self.path.with_name(f"{self.path.stem}-{os.getpid()}.building")
        _migrate_into(self.connection, str(building))
        os.replace(building, self.path)
        for stale in self.path.parent.glob("test-template-*.sqlite3"):
            if stale != self.path:
                stale.unlink(missing_ok=True)

    def copy_to(self, name: str) -> None:
        for suffix in ("-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)
        shutil.copyfile(self.path, name)


class PostgresTemplate:
    def __init__(self, connection, key: str):
        self.connection = connection
        # test_portal_tpl_<key>: beside test_portal_gw0 and the like, never one of them.
        self.prefix = f"test_{connection.settings_dict['NAME']}_tpl_"
        self.name = self.prefix + key

    def _databases(self) -> set[str]:
        with self.connection.creation._nodb_cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database")
            return {row[0] for row in cursor.fetchall()}

    def _execute(self, sql: str) -> None:
        with self.connection.creation._nodb_cursor() as cursor:
            cursor.execute(sql)

    def ensure(self) -> None:
        from django.db import DatabaseError

        existing = self._databases()
        if self.name in existing:
            return
        building = f"{self.name}_b{os.getpid()}"
        _migrate_into(self.connection, building)
        self._execute(f'ALTER DATABASE "{building}" RENAME TO "{self.name}"')
        for stale in existing:
            if stale.startswith(self.prefix) and stale != self.name:
                try:  # another checkout's run may be copying it right now: leave it then
                    self._execute(f'DROP DATABASE IF EXISTS "{stale}"')
                except DatabaseError:
                    pass

    def copy_to(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}"')
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')


def template_for(connection):
    key = code_key()
    if connection.vendor == "sqlite":
        return SqliteTemplate(connection, key)
    if connection.vendor == "postgresql":
        return PostgresTemplate(connection, key)
    return None


def copy_for_this_process() -> str | None:
    """Give this process its test database as a copy of the template (built first if
    missing); return the original database name to restore at the end, or None when the
    template does not apply and pytest-django creates the database as usual."""
    from django.db import connections

    connection = connections["default"]
    template = template_for(connection) if usable() else None
    if template is None:
        return None
    with _locked():
        template.ensure()
    template.copy_to(connection.creation._get_test_db_name())
    return connection.settings_dict["NAME"]


def drop_copy(original_name: str) -> None:
    from django.db import connections

    connections["default"].creation.destroy_test_db(original_name, verbosity=0)


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings_test")
    django.setup()
    from django.db import connections

    built = template_for(connections["default"])
    if built is not None and usable():
        with _locked():
            built.ensure()

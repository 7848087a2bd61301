"""Reads of the dashboards, reports and exports on a PostgreSQL streaming replica.

Installed only when DATABASE_REPLICA_URL is set (portal/settings.py); the alias
"replica" then stands beside "default", the primary. The rules:

1. Writes, and migrations, go to the primary.
2. Reads go to the replica only inside ``reads_from_replica()`` (a decorator, or a
   ``with`` block); every other read stays on the primary.
3. A unit of work (a request or a Celery task) never reads its own writes from the
   replica. Inside a transaction on the primary every read stays there. After a
   write, the unit's reads stay on the primary until the replica has replayed the
   primary's WAL up to where it was after that write; with another engine than
   PostgreSQL, for the rest of the unit. A report task that claims its run and
   then reads a night's snapshots thus reads them from the replica within
   milliseconds, while a request that saves a form and shows it reads it back from
   the primary.

Raw SQL through ``connection.cursor()`` bypasses routers: it runs on "default".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from celery.signals import task_postrun, task_prerun
from django.core.signals import request_started
from django.db import connections

if TYPE_CHECKING:
    from django.db.models import Model

PRIMARY = "default"
REPLICA = "replica"

_reading: ContextVar[bool] = ContextVar("replica_reading", default=False)
# What the replica must have replayed before this unit reads from it again: None
# (nothing), WROTE (a write whose WAL position is not known yet) or that position.
WROTE = "wrote"
_waiting_for: ContextVar[str | None] = ContextVar("replica_waiting_for", default=None)


@contextmanager
def reads_from_replica() -> Iterator[None]:
    """The reads inside go to the replica when it is safe (rule 3). Without a
    replica (the variable unset, no router installed) it changes nothing."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def _replica_is_current() -> bool:
    if connections[PRIMARY].in_atomic_block:
        return False  # the transaction's own rows and locks are on the primary
    waiting = _waiting_for.get()
    if waiting is None:
        return True
    if connections[PRIMARY].vendor != "postgresql":
        return False
    if waiting == WROTE:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            waiting = str(cursor.fetchone()[0])
        _waiting_for.set(waiting)
    with connections[REPLICA].cursor() as cursor:
        # NULL: not a standby (a test pointing the alias at the primary): current.
        cursor.execute(
            "SELECT COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, NOT pg_is_in_recovery())",
            [waiting],
        )
        current = bool(cursor.fetchone()[0])
    if current:
        _waiting_for.set(None)
    return current


class ReplicaRouter:
    """DATABASE_ROUTERS when DATABASE_REPLICA_URL is set (the rules above)."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        return REPLICA if _reading.get() and _replica_is_current() else PRIMARY

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        _waiting_for.set(WROTE)
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The same rows, whichever copy they were read from.
        return {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA} or None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


# Units of work: each request and each task starts reading afresh. A task run
# eagerly inside a request gives the request its own state back afterwards.
_saved: dict[str, tuple[bool, str | None]] = {}


def _request_started(**_: Any) -> None:
    _reading.set(False)
    _waiting_for.set(None)


def _task_started(task_id: str = "", **_: Any) -> None:
    _saved[task_id] = (_reading.get(), _waiting_for.get())
    _reading.set(False)
    _waiting_for.set(None)


def _task_finished(task_id: str = "", **_: Any) -> None:
    reading, waiting = _saved.pop(task_id, (False, None))
    _reading.set(reading)
    # An eager task's writes are its caller's too.
    _waiting_for.set(waiting if _waiting_for.get() is None else WROTE)


request_started.connect(_request_started, dispatch_uid="portal.db_router.request")
task_prerun.connect(_task_started, dispatch_uid="portal.db_router.task_started")
task_postrun.connect(_task_finished, dispatch_uid="portal.db_router.task_finished")

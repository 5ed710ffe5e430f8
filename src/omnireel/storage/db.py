"""Database engine: SQLite in WAL mode with synchronous=FULL (an accepted job survives power loss), or PostgreSQL."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine


class Database:
    """The engine plus, for SQLite, an in-process writer lock.

    SQLite admits one writer; without the lock, concurrent writers meet SQLite's busy handler, which sleeps in
    steps of up to 100 ms and turns a burst of creates into long latency tails. Queueing writers on a Python lock
    instead hands the write lock over as soon as it is free. PostgreSQL needs no such lock.
    """

    def __init__(self, engine: Engine):
        self.engine = engine
        self.dialect = engine.dialect
        self._write_lock = threading.Lock() if engine.dialect.name == "sqlite" else None

    @contextlib.contextmanager
    def begin(self) -> Iterator[Connection]:
        if self._write_lock is None:
            with self.engine.begin() as conn:
                yield conn
            return
        with self._write_lock:
            with self.engine.begin() as conn:
                yield conn

    def connect(self) -> Connection:
        return self.engine.connect()

    def dispose(self) -> None:
        self.engine.dispose()


def make_database(url: str) -> Database:
    return Database(make_engine(url))


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("sqlite:///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=16, max_overflow=16)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, _record):
            # Let SQLAlchemy's "begin" hook decide how transactions start (pysqlite's own handling is unsafe).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # Writers take the lock up front so two writers never deadlock upgrading from a read lock.
            if conn.get_execution_options().get("readonly"):
                conn.exec_driver_sql("BEGIN")
            else:
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_size=16, max_overflow=16, pool_pre_ping=True)


def migrate(url: str, revision: str = "head") -> None:
    """Upgrade the schema to `revision` (default: the newest; an older data directory upgrades in place)."""
    from alembic import command
    from alembic.config import Config

    here = Path(__file__).parent / "migrations"
    cfg = Config()
    cfg.set_main_option("script_location", str(here))
    cfg.set_main_option("sqlalchemy.url", url)
    if not url.startswith("postgresql"):
        command.upgrade(cfg, revision)  # SQLite: one process owns the data dir (runtime.py's lock)
        return
    # An API server and workers on several hosts start together against one database: without a lock, two of them
    # both see an empty schema and the slower one's CREATE TABLE fails. The lock is session-level and lives on its
    # own connection, so it is released even if the upgrade raises.
    from sqlalchemy import pool, text

    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as lock_conn:
            lock_conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            try:
                command.upgrade(cfg, revision)
            finally:
                lock_conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
    finally:
        engine.dispose()


# Any fixed 64-bit number shared by every omnireel process; only migrations take it.
MIGRATION_LOCK_KEY = 0x6F6D6E6972656C31  # "omnirel1"

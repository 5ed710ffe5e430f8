"""Migrations build exactly the schema in tables.py, and re-running them on a data directory keeps its data."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select

from omnireel.services import tenants
from omnireel.storage import db as dbmod
from omnireel.storage.tables import api_keys, metadata


def test_migrations_match_tables(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    dbmod.migrate(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == [], f"tables.py and migrations differ: {diff}"
    assert "alembic_version" in inspect(engine).get_table_names()


def test_upgrade_in_place_keeps_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    dbmod.migrate(url)
    database = dbmod.make_database(url)
    key = tenants.create_key(database, "acme")
    database.dispose()
    dbmod.migrate(url)  # an existing data directory upgrades in place
    database = dbmod.make_database(url)
    assert tenants.authenticate(database, key).id == "acme"
    with database.connect() as conn:
        assert conn.execute(select(api_keys.c.tenant_id)).scalar() == "acme"
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_data_dir_from_the_first_schema_upgrades_in_place(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    dbmod.migrate(url, "0001")  # a data directory written by the first release
    old = dbmod.make_database(url)
    key = tenants.create_key(old, "legacy")
    assert "idempotency_keys" not in inspect(old.engine).get_table_names()
    old.dispose()
    dbmod.migrate(url)
    new = dbmod.make_database(url)
    assert "idempotency_keys" in inspect(new.engine).get_table_names()
    assert tenants.authenticate(new, key).id == "legacy"

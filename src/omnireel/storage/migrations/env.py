"""Alembic environment: runs migrations against the URL set by storage.db.migrate."""

from alembic import context
from sqlalchemy import create_engine, pool

from omnireel.storage.tables import metadata

config = context.config
url = config.get_main_option("sqlalchemy.url")


def run_migrations_online() -> None:
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()

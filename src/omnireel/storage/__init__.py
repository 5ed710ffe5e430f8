"""Metadata (SQLAlchemy: SQLite by default, PostgreSQL at scale) and blobs (local disk by default)."""

"""The metadata schema. Migrations in storage/migrations must match it; tests check they do."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

tenants = Table(
    "tenants",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("created_at", Float, nullable=False),
    Column("region", String(8), nullable=True),  # ISO 3166-1 alpha-2; None: the server's OMNIREEL_REGION
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(32), primary_key=True),  # public key id, embedded in the key itself
    Column("tenant_id", String(64), ForeignKey("tenants.id"), nullable=False),
    Column("secret_hash", String(64), nullable=False),  # sha256 hex of the secret part
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float),
)

files = Table(
    "files",
    metadata,
    Column("id", String(40), primary_key=True),  # server-chosen, global; blob keys derive from it, never from name
    Column("tenant_id", String(64), nullable=False),
    Column("name", String(40)),  # a client-chosen public name (files/<name>), unique per tenant; NULL: the id is it
    Column("display_name", String(512)),
    Column("mime_type", String(128), nullable=False),
    Column("size_bytes", BigInteger, nullable=False, default=0),
    Column("sha256", String(64)),
    Column("state", String(16), nullable=False),  # PROCESSING | ACTIVE | FAILED
    Column("source", String(16), nullable=False),  # UPLOADED | GENERATED | INLINE (request media, hidden from list)
    Column("blob_key", String(128)),
    Column("video_metadata", JSON),
    Column("error", JSON),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("expires_at", Float),
    Index("ix_files_tenant_created", "tenant_id", "created_at"),
    Index("ix_files_expires", "expires_at"),
    Index("ux_files_tenant_name", "tenant_id", "name", unique=True),
)

upload_sessions = Table(
    "upload_sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # unguessable; the only credential of chunk requests
    Column("tenant_id", String(64), nullable=False),
    Column("file_id", String(40), nullable=False),
    Column("file_name", String(40)),  # the client-chosen name the finalized file will carry, if any
    Column("display_name", String(512)),
    Column("declared_mime", String(128)),
    Column("declared_size", BigInteger),
    Column("committed_size", BigInteger, nullable=False, default=0),
    Column("state", String(16), nullable=False),  # active | final | failed
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
)

interactions = Table(
    "interactions",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("model", String(128), nullable=False),
    Column("status", String(24), nullable=False),
    Column("task", String(32), nullable=False),
    Column("previous_interaction_id", String(40)),
    Column("request", JSON, nullable=False),  # normalized request (echoes, include_input)
    Column("outputs", JSON),  # output steps, committed with the fencing token
    Column("errors", JSON),
    Column("usage", JSON),
    Column("progress", JSON),
    Column("store", Boolean, nullable=False, default=True),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Index("ix_interactions_tenant", "tenant_id", "created_at"),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("interaction_id", String(40), nullable=False, unique=True),
    Column("tenant_id", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # queued | running | done | failed | cancelled
    Column("payload", JSON, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("max_attempts", Integer, nullable=False),
    Column("lease_owner", String(64)),
    Column("lease_token", String(64)),
    Column("lease_expires_at", Float),
    Column("heartbeat_at", Float),
    Column("cancel_requested", Boolean, nullable=False, default=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Index("ix_jobs_status_created", "status", "created_at"),
)

events = Table(
    "events",
    metadata,
    Column("interaction_id", String(40), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("body", JSON, nullable=False),
    Column("created_at", Float, nullable=False),
)


idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),  # sha256 of the canonical request body
    Column("interaction_id", String(40), nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_idempotency_created", "created_at"),
)


webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("interaction_id", String(40), nullable=False),
    Column("uri", String(2048), nullable=False),
    Column("body", JSON, nullable=False),
    Column("status", String(16), nullable=False),  # pending | delivered | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", Float, nullable=False),
    Column("last_error", String(256)),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Index("ix_webhooks_due", "status", "next_attempt_at"),
)

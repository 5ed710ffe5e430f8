"""client-chosen file names (files.upload with config name), unique per tenant

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("files") as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=40), nullable=True))
        batch_op.create_index("ux_files_tenant_name", ["tenant_id", "name"], unique=True)
    with op.batch_alter_table("upload_sessions") as batch_op:
        batch_op.add_column(sa.Column("file_name", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("upload_sessions") as batch_op:
        batch_op.drop_column("file_name")
    with op.batch_alter_table("files") as batch_op:
        batch_op.drop_index("ux_files_tenant_name")
        batch_op.drop_column("name")

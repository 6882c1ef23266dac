"""outbox: the claim of a message is a lease held by a named worker process

Revision ID: 0005_outbox_lease
Revises: 0004_review
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_outbox_lease"
down_revision = "0004_review"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=100), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("claimed_by")

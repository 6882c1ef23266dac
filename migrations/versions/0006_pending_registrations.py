"""accounts: registrations wait for their e-mail address to be confirmed

Revision ID: 0006_pending_registrations
Revises: 0005_outbox_lease
"""
import sqlalchemy as sa
from alembic import op


revision = "0006_pending_registrations"
down_revision = "0005_outbox_lease"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pending_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("email_normalised", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("phone", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("legal_name", sa.String(length=255), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("registration_number", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_registrations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_pending_registrations_token_hash")),
    )
    with op.batch_alter_table("pending_registrations") as batch:
        batch.create_index(batch.f("ix_pending_registrations_email_normalised"), ["email_normalised"], unique=False)
        batch.create_index(batch.f("ix_pending_registrations_expires_at"), ["expires_at"], unique=False)


def downgrade():
    with op.batch_alter_table("pending_registrations") as batch:
        batch.drop_index(batch.f("ix_pending_registrations_expires_at"))
        batch.drop_index(batch.f("ix_pending_registrations_email_normalised"))
    op.drop_table("pending_registrations")

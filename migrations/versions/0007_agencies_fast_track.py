"""process version 2: a site's standing consent and filming hours; an application's route

Revision ID: 0007_agencies_fast_track
Revises: 0006_pending_registrations
"""
import sqlalchemy as sa
from alembic import op


revision = "0007_agencies_fast_track"
down_revision = "0006_pending_registrations"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("locations") as batch:
        batch.add_column(sa.Column("standing_consent", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("rules_version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("filming_hours_start", sa.Time(), nullable=True))
        batch.add_column(sa.Column("filming_hours_end", sa.Time(), nullable=True))
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("route", sa.String(length=16), nullable=False, server_default="standard"))


def downgrade():
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("route")
    with op.batch_alter_table("locations") as batch:
        batch.drop_column("filming_hours_end")
        batch.drop_column("filming_hours_start")
        batch.drop_column("rules_version")
        batch.drop_column("standing_consent")

"""notifications: indexes for the bell's unread count and the list's keyset pages

Revision ID: 0003_notifications
Revises: 0002_workflow
Create Date: 2026-11-28 10:00:00

"""
from alembic import op


revision = "0003_notifications"
down_revision = "0002_workflow"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_user_read", ["user_id", "read_at"], unique=False)
        batch_op.create_index("ix_notifications_user_id_id", ["user_id", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_id_id")
        batch_op.drop_index("ix_notifications_user_read")

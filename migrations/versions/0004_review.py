"""review: indexes for the reviewers' dashboard queues and the ministry list

Revision ID: 0004_review
Revises: 0003_notifications
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_review"
down_revision = "0003_notifications"
branch_labels = None
depends_on = None

OPEN = "state IN ('pending', 'in_review', 'info_requested')"
RUNNING = "state IN ('pending', 'in_review')"


def upgrade():
    with op.batch_alter_table("review_tasks") as batch:
        # Partial indexes: the queues sort only the open reviews by due time,
        # however many decided reviews an organisation has.
        batch.create_index(
            "ix_review_tasks_open_org_due", ["organisation_id", "due_at", "id"], unique=False,
            postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN),
        )
        batch.create_index(
            "ix_review_tasks_running_due", ["due_at", "id"], unique=False,
            postgresql_where=sa.text(RUNNING), sqlite_where=sa.text(RUNNING),
        )
        batch.create_index("ix_review_tasks_org_decided", ["organisation_id", "decided_at"], unique=False)
    with op.batch_alter_table("applications") as batch:
        batch.create_index("ix_applications_submitted_at", ["submitted_at"], unique=False)


def downgrade():
    with op.batch_alter_table("applications") as batch:
        batch.drop_index("ix_applications_submitted_at")
    with op.batch_alter_table("review_tasks") as batch:
        batch.drop_index("ix_review_tasks_org_decided")
        batch.drop_index("ix_review_tasks_running_due")
        batch.drop_index("ix_review_tasks_open_org_due")

"""info requested index: a producer's home finds the applications a review
asks for information from the open questions alone (not every review)

Revision ID: 0012_info_requested_index
Revises: 0011_statistics_summaries
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_info_requested_index"
down_revision = "0011_statistics_summaries"
branch_labels = None
depends_on = None

WHERE = sa.text("state = 'info_requested'")


def upgrade():
    op.create_index("ix_review_tasks_info_requested", "review_tasks", ["application_id"], unique=False,
                    postgresql_where=WHERE, sqlite_where=WHERE)


def downgrade():
    op.drop_index("ix_review_tasks_info_requested", table_name="review_tasks")

"""statistics summaries: the counters the statistics page and the public scorecard read

Revision ID: 0011_statistics_summaries
Revises: 0010_list_indexes

The table starts empty: after upgrading a database that already has
applications, run ``flask rebuild-statistics`` once (it recomputes the
turnaround rows and every counter from history; new facts keep their
counters themselves).
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_statistics_summaries"
down_revision = "0010_list_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "statistics_summaries",
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("metric", "period", "key", name=op.f("pk_statistics_summaries")),
    )


def downgrade():
    op.drop_table("statistics_summaries")

"""list indexes: the ministry list and the decided queue in their own order, a
producer's home by last update, and each application's ledger balance kept on it

Revision ID: 0010_list_indexes
Revises: 0009_turnaround
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_list_indexes"
down_revision = "0009_turnaround"
branch_labels = None
depends_on = None

# The balance of every application that has ledger entries: invoiced and
# refunded add, waived, paid and cancelled subtract (workflows.money.balance).
BACKFILL = """
UPDATE applications SET balance = COALESCE((
    SELECT SUM(CASE WHEN e.kind IN ('invoiced', 'refunded') THEN e.amount ELSE -e.amount END)
    FROM money_entries e WHERE e.application_id = applications.id), 0)
WHERE EXISTS (SELECT 1 FROM money_entries e WHERE e.application_id = applications.id)
"""


def _desc_nulls_last(column: str):
    # PostgreSQL writes NULLS LAST in the index; SQLite's DESC already puts
    # NULLs last and its CREATE INDEX cannot say so.
    if op.get_bind().dialect.name == "postgresql":
        return sa.text(f"{column} DESC NULLS LAST")
    return sa.text(f"{column} DESC")


def upgrade():
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("balance", sa.Numeric(precision=12, scale=2), server_default="0", nullable=False))
    op.execute(BACKFILL)
    with op.batch_alter_table("applications") as batch:
        batch.drop_index("ix_applications_submitted_at")
        batch.create_index("ix_applications_company_updated", ["company_id", "updated_at", "id"], unique=False)
        batch.create_index(
            "ix_applications_credit", ["balance", "id"], unique=False,
            postgresql_where=sa.text("balance < 0"), sqlite_where=sa.text("balance < 0"),
        )
    op.create_index("ix_applications_submitted_desc", "applications",
                    [_desc_nulls_last("submitted_at"), sa.text("id DESC")], unique=False)
    with op.batch_alter_table("review_tasks") as batch:
        batch.drop_index("ix_review_tasks_org_decided")
    op.create_index("ix_review_tasks_org_decided", "review_tasks",
                    ["organisation_id", _desc_nulls_last("decided_at"), sa.text("id DESC")], unique=False)


def downgrade():
    op.drop_index("ix_review_tasks_org_decided", table_name="review_tasks")
    with op.batch_alter_table("review_tasks") as batch:
        batch.create_index("ix_review_tasks_org_decided", ["organisation_id", "decided_at"], unique=False)
    op.drop_index("ix_applications_submitted_desc", table_name="applications")
    with op.batch_alter_table("applications") as batch:
        batch.drop_index("ix_applications_credit")
        batch.drop_index("ix_applications_company_updated")
        batch.create_index("ix_applications_submitted_at", ["submitted_at"], unique=False)
        batch.drop_column("balance")

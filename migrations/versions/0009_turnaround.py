"""turnaround: one row per decided review (business days, on time), for the statistics and the scorecard

Revision ID: 0009_turnaround
Revises: 0008_money

The table starts empty: after upgrading a database that already has decided
reviews, run ``flask rebuild-turnaround`` once (it recomputes every row from
the reviews; new decisions write their rows themselves).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_turnaround'
down_revision = '0008_money'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_turnarounds',
    sa.Column('review_task_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_month', sa.String(length=7), nullable=False),
    sa.Column('business_days', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_review_turnarounds_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['review_task_id'], ['review_tasks.id'], name=op.f('fk_review_turnarounds_review_task_id_review_tasks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_task_id', name=op.f('pk_review_turnarounds'))
    )
    with op.batch_alter_table('review_turnarounds', schema=None) as batch_op:
        batch_op.create_index('ix_review_turnarounds_decided', ['decided_at', 'organisation_id', 'business_days', 'on_time'], unique=False)
        batch_op.create_index('ix_review_turnarounds_org_kind_days', ['organisation_id', 'kind', 'business_days', 'on_time'], unique=False)


def downgrade():
    with op.batch_alter_table('review_turnarounds', schema=None) as batch_op:
        batch_op.drop_index('ix_review_turnarounds_org_kind_days')
        batch_op.drop_index('ix_review_turnarounds_decided')

    op.drop_table('review_turnarounds')

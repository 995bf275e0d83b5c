"""report exports built by a job

Revision ID: 7d3b9e41a6c5
Revises: 5e1a7c2d9b40
Create Date: 2026-12-06 14:38:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d3b9e41a6c5'
down_revision = '5e1a7c2d9b40'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('pending', 'working')")


def upgrade():
    op.create_table('report_exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('report', sa.String(length=20), nullable=False),
    sa.Column('fmt', sa.String(length=4), nullable=False),
    sa.Column('filters', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=100), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'working', 'done')", name=op.f('ck_report_exports_status_known')),
    sa.CheckConstraint("fmt IN ('csv', 'xlsx')", name=op.f('ck_report_exports_fmt_known')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_report_exports_requested_by_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_exports'))
    )
    with op.batch_alter_table('report_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_exports_done_at'), ['done_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_exports_requested_by_id'), ['requested_by_id'], unique=False)
        batch_op.create_index('uq_report_exports_open', ['requested_by_id', 'report', 'fmt', 'filters'], unique=True, sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    with op.batch_alter_table('report_exports', schema=None) as batch_op:
        batch_op.drop_index('uq_report_exports_open', sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.drop_index(batch_op.f('ix_report_exports_requested_by_id'))
        batch_op.drop_index(batch_op.f('ix_report_exports_done_at'))

    op.drop_table('report_exports')

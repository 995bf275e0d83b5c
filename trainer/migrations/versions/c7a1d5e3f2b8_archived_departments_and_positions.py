"""departments and positions can be archived

Revision ID: c7a1d5e3f2b8
Revises: b4e2c9a7d1f3
Create Date: 2026-12-06 16:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7a1d5e3f2b8'
down_revision = 'b4e2c9a7d1f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.drop_column('archived_at')

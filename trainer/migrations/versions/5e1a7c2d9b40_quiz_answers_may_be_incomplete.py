"""quiz answers may be incomplete (saved as drafts, never graded)

Revision ID: 5e1a7c2d9b40
Revises: 41523845fb38
Create Date: 2026-12-06 13:58:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1a7c2d9b40'
down_revision = '41523845fb38'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('complete', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('quiz_answers', schema=None) as batch_op:
        batch_op.drop_column('complete')

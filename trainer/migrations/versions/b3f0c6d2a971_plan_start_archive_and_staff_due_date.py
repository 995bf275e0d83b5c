"""plan start, archiving, and a due date for current staff

Revision ID: b3f0c6d2a971
Revises: a4c8e2f71b39
Create Date: 2026-12-06 16:05:00.000000

"""
from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3f0c6d2a971'
down_revision = 'a4c8e2f71b39'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('skill_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(), nullable=True))
    # Existing plans start on January 1 of their year, as new plans do by default.
    connection = op.get_bind()
    plans = sa.table('skill_plans', sa.column('id', sa.Integer), sa.column('year', sa.Integer),
                     sa.column('starts_on', sa.Date))
    for plan_id, year in connection.execute(sa.select(plans.c.id, plans.c.year)).all():
        connection.execute(
            plans.update().where(plans.c.id == plan_id).values(starts_on=date(year, 1, 1))
        )
    with op.batch_alter_table('skill_plans', schema=None) as batch_op:
        batch_op.alter_column('starts_on', existing_type=sa.Date(), nullable=False)
    with op.batch_alter_table('plan_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_due_date', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('plan_items', schema=None) as batch_op:
        batch_op.drop_column('staff_due_date')
    with op.batch_alter_table('skill_plans', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
        batch_op.drop_column('starts_on')

"""notifications kept as kind and params, with the page they link to

Revision ID: a4c7e2f19d38
Revises: 7d3b9e41a6c5
Create Date: 2026-12-06 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4c7e2f19d38'
down_revision = '7d3b9e41a6c5'
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('due_soon', 'overdue', 'assessment_result', 'cleared_for_duty', 'certificate_expiring')"
NEW_KINDS = (
    "kind IN ('due_soon', 'overdue', 'assessment_result', 'cleared_for_duty', "
    "'certificate_expiring', 'appeal_lodged', 'appeal_decided', 'certificate_issued', "
    "'extra_attempt', 'assessor_assigned')"
)


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('link', sa.String(length=300), nullable=True))
        batch_op.alter_column('title', existing_type=sa.String(length=300), nullable=True)
        batch_op.alter_column('body', existing_type=sa.Text(), nullable=True)
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_outbox_messages_kind_known'), sa.text(NEW_KINDS))


def downgrade():
    op.execute(
        "DELETE FROM outbox_messages WHERE kind IN ('appeal_lodged', 'appeal_decided', "
        "'certificate_issued', 'extra_attempt', 'assessor_assigned') OR title IS NULL"
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_outbox_messages_kind_known'), sa.text(OLD_KINDS))
        batch_op.alter_column('body', existing_type=sa.Text(), nullable=False)
        batch_op.alter_column('title', existing_type=sa.String(length=300), nullable=False)
        batch_op.drop_column('link')
        batch_op.drop_column('params')

"""positions can manage their department; the managers' weekly digest is an outbox kind

Revision ID: e5d2a9c4b7f1
Revises: c7a1d5e3f2b8
Create Date: 2026-12-06 16:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5d2a9c4b7f1'
down_revision = 'c7a1d5e3f2b8'
branch_labels = None
depends_on = None

OLD_KINDS = (
    "kind IN ('due_soon', 'overdue', 'assessment_result', 'cleared_for_duty', "
    "'certificate_expiring', 'appeal_lodged', 'appeal_decided', 'certificate_issued', "
    "'extra_attempt', 'assessor_assigned')"
)
NEW_KINDS = (
    "kind IN ('due_soon', 'overdue', 'assessment_result', 'cleared_for_duty', "
    "'certificate_expiring', 'appeal_lodged', 'appeal_decided', 'certificate_issued', "
    "'extra_attempt', 'assessor_assigned', 'team_overdue')"
)


def upgrade():
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('manages_department', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_outbox_messages_kind_known'), sa.text(NEW_KINDS))


def downgrade():
    op.execute("DELETE FROM outbox_messages WHERE kind = 'team_overdue'")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_outbox_messages_kind_known'), sa.text(OLD_KINDS))
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.drop_column('manages_department')

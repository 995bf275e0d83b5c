"""level promotions approved by HR

Revision ID: a4c8e2f71b39
Revises: a4c7e2f19d38
Create Date: 2026-12-06 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4c8e2f71b39'
down_revision = 'a4c7e2f19d38'
branch_labels = None
depends_on = None

OPEN_OR_APPROVED = sa.text("status IN ('eligible', 'approved')")


def upgrade():
    op.create_table('level_promotions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('eligible_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('certificate_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('eligible', 'approved', 'declined')", name=op.f('ck_level_promotions_status_known')),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_level_promotions_certificate_id_certificates'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_level_promotions_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_level_promotions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_level_promotions'))
    )
    with op.batch_alter_table('level_promotions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_level_promotions_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_level_promotions_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_level_promotions_open_or_approved', ['user_id', 'level_id'], unique=True, sqlite_where=OPEN_OR_APPROVED, postgresql_where=OPEN_OR_APPROVED)


def downgrade():
    with op.batch_alter_table('level_promotions', schema=None) as batch_op:
        batch_op.drop_index('uq_level_promotions_open_or_approved', sqlite_where=OPEN_OR_APPROVED, postgresql_where=OPEN_OR_APPROVED)
        batch_op.drop_index(batch_op.f('ix_level_promotions_user_id'))
        batch_op.drop_index(batch_op.f('ix_level_promotions_status'))

    op.drop_table('level_promotions')

"""invitations: first sign-in links and printed sheets

Revision ID: b4e2c9a7d1f3
Revises: b3f0c6d2a971
Create Date: 2026-12-06 16:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4e2c9a7d1f3'
down_revision = 'b3f0c6d2a971'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_signed_in_at', sa.DateTime(), nullable=True))
    # Sign-ins were not recorded before: an account that has a password may have been used,
    # so it counts as signed in (it gets no printed code). Imported staff have no password.
    op.execute("UPDATE users SET last_signed_in_at = created_at WHERE password_hash IS NOT NULL")

    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('purpose', sa.String(length=20), server_default='reset', nullable=False)
        )
        batch_op.create_check_constraint(
            op.f('ck_password_resets_reset_purpose_known'), "purpose IN ('reset', 'invitation')"
        )

    op.create_table('invitation_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('selection', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('invited', sa.Integer(), nullable=True),
    sa.Column('emailed', sa.Integer(), nullable=True),
    sa.Column('mail_failed', sa.Integer(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'working', 'done')", name=op.f('ck_invitation_batches_status_known')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_invitation_batches_requested_by_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation_batches'))
    )
    with op.batch_alter_table('invitation_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_batches_done_at'), ['done_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_batches_requested_by_id'), ['requested_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('invitation_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_batches_requested_by_id'))
        batch_op.drop_index(batch_op.f('ix_invitation_batches_done_at'))
    op.drop_table('invitation_batches')
    op.execute("DELETE FROM password_resets WHERE purpose = 'invitation'")
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_password_resets_reset_purpose_known'), type_='check')
        batch_op.drop_column('purpose')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('last_signed_in_at')

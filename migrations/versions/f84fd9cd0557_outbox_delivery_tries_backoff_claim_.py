"""outbox delivery: tries, backoff, claim lease, failed

Revision ID: f84fd9cd0557
Revises: cde552c7c669
Create Date: 2026-11-30 04:46:54.928176

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f84fd9cd0557'
down_revision = 'cde552c7c669'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tries', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_message_failed_at'), ['failed_at'], unique=False)
    # Before this, a message with an error was never tried again: keep it so (failed, one try).
    op.execute("UPDATE outbox_message SET failed_at = created_at, tries = 1 "
               "WHERE sent_at IS NULL AND error IS NOT NULL")


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_failed_at'))
        batch_op.drop_column('failed_at')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('tries')


"""quiz_answer: tries, right at the first try, settled, certainty (interactive practice, issue 16)

Revision ID: c3d9e5f1a7b2
Revises: 199dfe8fe1c1
Create Date: 2026-11-30 05:10:00

Existing answers were one try each: tries 1, settled, and right at the first try when right.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d9e5f1a7b2'
down_revision = '199dfe8fe1c1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tries', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('first_correct', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('settled', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('certainty', sa.String(length=20), nullable=True))
    op.execute("UPDATE quiz_answer SET first_correct = correct")


def downgrade():
    with op.batch_alter_table('quiz_answer', schema=None) as batch_op:
        batch_op.drop_column('certainty')
        batch_op.drop_column('settled')
        batch_op.drop_column('first_correct')
        batch_op.drop_column('tries')

"""form_submission: idempotency keys of forms that create something (double taps store one thing)

Revision ID: c4d6e8f0a202
Revises: b3c5d7e9f101
Create Date: 2026-11-30 05:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4d6e8f0a202'
down_revision = 'b3c5d7e9f101'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'purpose', 'nonce')
    )


def downgrade():
    op.drop_table('form_submission')

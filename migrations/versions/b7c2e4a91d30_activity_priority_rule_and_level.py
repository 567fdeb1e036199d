"""activity: priority rule (plan | norm, null = default of the kind) and level

Revision ID: b7c2e4a91d30
Revises: 805b40623a87
Create Date: 2026-11-30 05:00:00

Existing activities keep null for both: the kind's default rule applies, and no level means
every level matches. Rounds already allocated keep their stored result.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c2e4a91d30'
down_revision = '805b40623a87'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('level', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_column('level')
        batch_op.drop_column('priority')

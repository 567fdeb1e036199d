"""registration: one person per waitlist place (activity, function, position)

Revision ID: b3c5d7e9f101
Revises: c3d9e5f1a7b2
Create Date: 2026-11-30 05:10:00

Places that a race already handed out twice are renumbered first, in their order of arrival.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b3c5d7e9f101'
down_revision = 'c3d9e5f1a7b2'
branch_labels = None
depends_on = None


def upgrade():
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT id, activity_id, function_id FROM registration WHERE waitlist_position IS NOT NULL "
        "ORDER BY activity_id, function_id, waitlist_position, id")).all()
    place: dict = {}
    for reg_id, activity_id, function_id in rows:
        key = (activity_id, function_id)
        place[key] = place.get(key, 0) + 1
        conn.execute(sa.text("UPDATE registration SET waitlist_position = :p WHERE id = :id"),
                     {"p": place[key], "id": reg_id})
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_registration_waitlist_place',
                                          ['activity_id', 'function_id', 'waitlist_position'])


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint('uq_registration_waitlist_place', type_='unique')

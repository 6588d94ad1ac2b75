"""Drills of the week: sessions that run over several days.

A session's pace (live or drill), its windows in UTC and the trainer's time
zone; a drill's sent replies wait sealed until writing closes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('game_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pace', sa.String(length=8), server_default='live', nullable=False))
        batch_op.add_column(sa.Column('writing_opens_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('writing_closes_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('voting_closes_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sealed', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.drop_column('sealed')
    with op.batch_alter_table('game_session', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
        batch_op.drop_column('voting_closes_at')
        batch_op.drop_column('writing_closes_at')
        batch_op.drop_column('writing_opens_at')
        batch_op.drop_column('pace')

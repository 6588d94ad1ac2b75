"""Service cues: a session may turn them off, and each reply keeps the cues found when it was sent.

Sessions from before keep cues on (they show nothing: their replies were
sent before cues were looked for, so their ``cues`` is NULL).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('game_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cues_enabled', sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cues', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.drop_column('cues')
    with op.batch_alter_table('game_session', schema=None) as batch_op:
        batch_op.drop_column('cues_enabled')

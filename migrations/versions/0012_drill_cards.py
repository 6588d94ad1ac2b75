"""A drill answers one to three cards: a same-card or duels drill keeps the ones everyone answers.

Drills from before answered one card, kept in ``next_card_id``; their
``drill_card_ids`` stays NULL and is read as that one card.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('game_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('drill_card_ids', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('game_session', schema=None) as batch_op:
        batch_op.drop_column('drill_card_ids')

"""Player names are compared by their confusables skeleton.

``player.name_key`` held the case-folded name in 24 characters; case
folding can lengthen a name ("ß" becomes "ss"), so the column widens to 96.
Keys already stored stay as they are: they are the folded names of players
who joined before, and a new look-alike is compared with the new skeleton.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('player', schema=None) as batch_op:
        batch_op.alter_column('name_key', existing_type=sa.String(length=24), type_=sa.String(length=96),
                              existing_nullable=True)


def downgrade():
    with op.batch_alter_table('player', schema=None) as batch_op:
        batch_op.alter_column('name_key', existing_type=sa.String(length=96), type_=sa.String(length=24),
                              existing_nullable=True)

"""A session's moderation version: bumped when a player is removed or a reply hidden.

Every vote checks that the ballots it was worked out from still hold. It
counted the session's removed players and hidden replies for that, a scan
of the room on every vote; the session row it already reads now says it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('game_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moderation_version', sa.Integer(), server_default='0', nullable=False))
    # A session already played with removals or hidden replies starts above 0,
    # so it is never taken for an untouched one.
    op.execute(
        "UPDATE game_session SET moderation_version = 1 WHERE "
        "EXISTS (SELECT 1 FROM player WHERE player.session_id = game_session.id AND player.removed) OR "
        "EXISTS (SELECT 1 FROM reply WHERE reply.session_id = game_session.id AND reply.hidden)"
    )


def downgrade():
    with op.batch_alter_table('game_session', schema=None) as batch_op:
        batch_op.drop_column('moderation_version')

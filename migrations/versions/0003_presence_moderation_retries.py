"""Presence, moderation, retries and join throttling.

Adds two tables, four columns and an index on votes, and drops the first release's host-token
hash (projectors authenticate with the trainer's sign-in since 0002). The
new NOT NULL flags get a server default of false, so every existing session
and reply is kept, unlocked, unfiltered and visible.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.create_index('ix_attempt_lookup', ['kind', 'key', 'at'], unique=False)

    op.create_table('presence',
    sa.Column('sid', sa.String(length=64), nullable=False),
    sa.Column('player_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('worker', sa.String(length=64), nullable=False),
    sa.Column('connected_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['player_id'], ['player.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['game_session.id'], ),
    sa.PrimaryKeyConstraint('sid')
    )
    with op.batch_alter_table('presence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_presence_player_id'), ['player_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_presence_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_presence_worker'), ['worker'], unique=False)

    with op.batch_alter_table('game_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('profanity_filter', sa.Boolean(), nullable=False, server_default=sa.false()))
        # Projectors authenticate with the trainer's sign-in now (0002); the
        # first release's host tokens open nothing any more.
        batch_op.drop_column('host_token_hash')

    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_id', sa.String(length=64), nullable=True))
        # Who has used all their votes is asked on every vote: an index-only count.
        batch_op.create_index('ix_vote_round_voter', ['session_id', 'round_no', 'voter_id'], unique=False)



def downgrade():
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.drop_index('ix_vote_round_voter')
        batch_op.drop_column('request_id')

    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.drop_column('hidden')

    with op.batch_alter_table('game_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('host_token_hash', sa.String(length=64), nullable=False, server_default=''))
        batch_op.drop_column('profanity_filter')
        batch_op.drop_column('locked')

    with op.batch_alter_table('presence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_presence_worker'))
        batch_op.drop_index(batch_op.f('ix_presence_session_id'))
        batch_op.drop_index(batch_op.f('ix_presence_player_id'))

    op.drop_table('presence')
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_attempt_lookup')

    op.drop_table('attempt')

"""Training depth: game modes, service awards, presets, the debrief.

Sessions get a mode and a voting style (existing ones played "own card"
with plain votes), the service criteria they were played with, and card
filters. Replies get their duel; rounds keep their mode and takeaway.
Votes gain a criterion (0 for a plain vote), so one voter may give one
reply several awards: the unique key becomes (voter, reply, criterion).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# SQLite keeps the baseline's vote key unnamed; this names it so batch mode can drop it.
UNNAMED = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}


def _old_vote_key() -> str:
    for found in sa.inspect(op.get_bind()).get_unique_constraints('vote'):
        if found['column_names'] == ['voter_id', 'reply_id'] and found['name']:
            return found['name']
    return 'uq_vote_voter_id_reply_id'


def upgrade():
    with op.batch_alter_table('game_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=12), server_default='own_card', nullable=False))
        batch_op.add_column(sa.Column('voting', sa.String(length=8), server_default='votes', nullable=False))
        batch_op.add_column(sa.Column('criteria', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('themes', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('difficulties', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('next_card_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_game_session_next_card_id', 'card', ['next_card_id'], ['id'],
                                    ondelete='SET NULL')
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duel', sa.Integer(), nullable=True))
    old_key = _old_vote_key()
    with op.batch_alter_table('vote', schema=None, naming_convention=UNNAMED) as batch_op:
        batch_op.add_column(sa.Column('criterion', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_constraint(old_key, type_='unique')
        batch_op.create_unique_constraint('uq_vote_choice', ['voter_id', 'reply_id', 'criterion'])
    op.create_table(
        'game_round',
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('round_no', sa.Integer(), nullable=False),
        sa.Column('mode', sa.String(length=12), nullable=False),
        sa.Column('takeaway', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['game_session.id']),
        sa.PrimaryKeyConstraint('session_id', 'round_no'),
    )
    op.create_table(
        'service_criterion',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('texts', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'model_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('card_id', sa.Integer(), nullable=False),
        sa.Column('reply_id', sa.Integer(), nullable=False),
        sa.Column('pinned_by', sa.Integer(), nullable=True),
        sa.Column('pinned_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['card_id'], ['card.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['pinned_by'], ['user_account.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['reply_id'], ['reply.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('reply_id'),
    )
    with op.batch_alter_table('model_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_model_answer_card_id'), ['card_id'], unique=False)
    op.create_table(
        'preset',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('settings', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('owner_id', 'name'),
    )
    with op.batch_alter_table('preset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_preset_owner_id'), ['owner_id'], unique=False)


def downgrade():
    op.drop_table('preset')
    op.drop_table('model_answer')
    op.drop_table('service_criterion')
    op.drop_table('game_round')
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.drop_constraint('uq_vote_choice', type_='unique')
        batch_op.create_unique_constraint('uq_vote_voter_id_reply_id', ['voter_id', 'reply_id'])
        batch_op.drop_column('criterion')
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.drop_column('duel')
    with op.batch_alter_table('game_session', schema=None) as batch_op:
        batch_op.drop_constraint('fk_game_session_next_card_id', type_='foreignkey')
        for column in ('next_card_id', 'difficulties', 'themes', 'criteria', 'voting', 'mode'):
            batch_op.drop_column(column)

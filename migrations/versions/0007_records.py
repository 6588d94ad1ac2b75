"""Records: teams and their members, the best-replies library, admin settings.

Sessions may be run for a team, and players may point at a member of its
roster. Starred replies make the library; its full-text index is made by
trainer/database/search.py (FTS5 on SQLite, a tsvector on PostgreSQL).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa

from trainer.database import search


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'team',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('owner_id', 'name'),
    )
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_owner_id'), ['owner_id'], unique=False)
    op.create_table(
        'member',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=24), nullable=False),
        sa.Column('name_key', sa.String(length=96), nullable=True),
        sa.Column('anonymised', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['team_id'], ['team.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('team_id', 'name_key'),
    )
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_team_id'), ['team_id'], unique=False)
    op.create_table(
        'star',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reply_id', sa.Integer(), nullable=False),
        sa.Column('starred_by', sa.Integer(), nullable=True),
        sa.Column('anonymous', sa.Boolean(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['reply_id'], ['reply.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['starred_by'], ['user_account.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('reply_id'),
    )
    with op.batch_alter_table('star', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_star_created_at'), ['created_at'], unique=False)
    op.create_table(
        'setting',
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('value', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    with op.batch_alter_table('game_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_game_session_team_id'), ['team_id'], unique=False)
        batch_op.create_foreign_key('fk_game_session_team_id', 'team', ['team_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('player', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_player_member_id'), ['member_id'], unique=False)
        batch_op.create_foreign_key('fk_player_member_id', 'member', ['member_id'], ['id'], ondelete='SET NULL')
    search.install(op.get_bind())


def downgrade():
    search.uninstall(op.get_bind())
    with op.batch_alter_table('player', schema=None) as batch_op:
        batch_op.drop_constraint('fk_player_member_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_player_member_id'))
        batch_op.drop_column('member_id')
    with op.batch_alter_table('game_session', schema=None) as batch_op:
        batch_op.drop_constraint('fk_game_session_team_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_game_session_team_id'))
        batch_op.drop_column('team_id')
    op.drop_table('setting')
    op.drop_table('star')
    op.drop_table('member')
    op.drop_table('team')

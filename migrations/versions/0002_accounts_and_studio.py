"""Accounts, archived decks, session owners, login throttling, import staging.

Adds tables only, and two nullable columns: every existing row is kept as it
was. Sessions from before accounts get no owner (only admins may host them).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('username', sa.String(length=40), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_attempt_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_attempt_at'), ['at'], unique=False)

    op.create_table('setup_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=40), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('deck_upload',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('deck_id', sa.Integer(), nullable=True),
    sa.Column('deck_name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['deck_id'], ['deck.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('deck_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deck_upload_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('deck', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('game_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_game_session_owner_id'), ['owner_id'], unique=False)
        batch_op.create_foreign_key('fk_game_session_owner_id', 'user_account', ['owner_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('game_session', schema=None) as batch_op:
        batch_op.drop_constraint('fk_game_session_owner_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_game_session_owner_id'))
        batch_op.drop_column('owner_id')

    with op.batch_alter_table('deck', schema=None) as batch_op:
        batch_op.drop_column('archived_at')

    with op.batch_alter_table('deck_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deck_upload_user_id'))

    op.drop_table('deck_upload')
    op.drop_table('user_account')
    op.drop_table('setup_token')
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_login_attempt_address'))

    op.drop_table('login_attempt')

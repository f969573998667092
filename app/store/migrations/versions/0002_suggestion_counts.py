"""Counts of what sells together, kept for suggestions.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('choice_counts',
    sa.Column('product_id', sa.String(length=64), nullable=False),
    sa.Column('group_id', sa.String(length=64), nullable=False),
    sa.Column('choice_id', sa.String(length=64), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('buyers', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('product_id', 'group_id', 'choice_id', name=op.f('pk_choice_counts'))
    )
    op.create_table('counts_state',
    sa.Column('product_id', sa.String(length=64), nullable=False),
    sa.Column('stale', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('product_id', name=op.f('pk_counts_state'))
    )
    op.create_table('pair_counts',
    sa.Column('product_id', sa.String(length=64), nullable=False),
    sa.Column('group_a', sa.String(length=64), nullable=False),
    sa.Column('choice_a', sa.String(length=64), nullable=False),
    sa.Column('group_b', sa.String(length=64), nullable=False),
    sa.Column('choice_b', sa.String(length=64), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('buyers', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('product_id', 'group_a', 'choice_a', 'group_b', 'choice_b', name=op.f('pk_pair_counts'))
    )


def downgrade() -> None:
    op.drop_table('pair_counts')
    op.drop_table('counts_state')
    op.drop_table('choice_counts')

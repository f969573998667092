"""Indexes for the shop's report: order lines and their choices read from thin covering indexes.

The report groups every readable order line (and every choice of one) by the day of its order;
with these indexes SQLite and PostgreSQL read the few columns it needs from an index instead of
the wide rows (each line keeps its whole configuration as JSON).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_index('ix_order_lines_report', ['order_id', 'problem', 'product_id', 'personalized', 'preset_id', 'currency', 'quantity', 'unit_price'], unique=False)
    with op.batch_alter_table('order_line_choices', schema=None) as batch_op:
        batch_op.create_index('ix_order_line_choices_line', ['order_line_id', 'product_id', 'group_id', 'choice_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('order_line_choices', schema=None) as batch_op:
        batch_op.drop_index('ix_order_line_choices_line')
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_order_lines_report')

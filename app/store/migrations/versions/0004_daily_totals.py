"""Totals per day for the shop's report, filled from the order lines and events there are.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# the totals of what is already recorded (readable order lines only; every event)
FILL = (
    """INSERT INTO daily_option_sales (day, product_id, group_id, choice_id, lines, units,
                                       revenue)
       SELECT o.ordered_on, c.product_id, c.group_id, c.choice_id, count(*), sum(l.quantity),
              coalesce(sum(l.quantity * l.unit_price), 0)
       FROM order_lines l JOIN orders o ON o.id = l.order_id
            JOIN order_line_choices c ON c.order_line_id = l.id
       WHERE l.problem IS NULL
       GROUP BY o.ordered_on, c.product_id, c.group_id, c.choice_id""",
    """INSERT INTO daily_line_sales (day, product_id, personalized, preset_id, currency, lines,
                                     units, revenue)
       SELECT o.ordered_on, l.product_id, l.personalized, coalesce(l.preset_id, ''),
              coalesce(l.currency, ''), count(*), sum(l.quantity),
              coalesce(sum(l.quantity * l.unit_price), 0)
       FROM order_lines l JOIN orders o ON o.id = l.order_id
       WHERE l.problem IS NULL
       GROUP BY o.ordered_on, l.product_id, l.personalized, coalesce(l.preset_id, ''),
                coalesce(l.currency, '')""",
    """INSERT INTO daily_events (day, kind, count)
       SELECT day, kind, count(*) FROM events GROUP BY day, kind""",
)


def upgrade() -> None:
    op.create_table('daily_events',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'kind', name=op.f('pk_daily_events'))
    )
    op.create_table('daily_line_sales',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('product_id', sa.String(length=64), nullable=False),
    sa.Column('personalized', sa.Boolean(), nullable=False),
    sa.Column('preset_id', sa.String(length=64), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('revenue', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.PrimaryKeyConstraint('day', 'product_id', 'personalized', 'preset_id', 'currency', name=op.f('pk_daily_line_sales'))
    )
    op.create_table('daily_option_sales',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('product_id', sa.String(length=64), nullable=False),
    sa.Column('group_id', sa.String(length=64), nullable=False),
    sa.Column('choice_id', sa.String(length=64), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('revenue', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.PrimaryKeyConstraint('day', 'product_id', 'group_id', 'choice_id', name=op.f('pk_daily_option_sales'))
    )
    for statement in FILL:
        op.execute(sa.text(statement))


def downgrade() -> None:
    op.drop_table('daily_option_sales')
    op.drop_table('daily_line_sales')
    op.drop_table('daily_events')

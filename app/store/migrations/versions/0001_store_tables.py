"""Customers, product versions, saved configurations, quotes, orders and their lines, events.

Revision ID: 0001
Revises: nothing (the first schema)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('buyer_key', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers')),
    sa.UniqueConstraint('buyer_key', name=op.f('uq_customers_buyer_key')),
    sa.UniqueConstraint('email', name=op.f('uq_customers_email'))
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('window', sa.String(length=16), nullable=False),
    sa.Column('session_key', sa.String(length=32), nullable=False),
    sa.Column('product_id', sa.String(length=64), nullable=True),
    sa.Column('group_id', sa.String(length=64), nullable=True),
    sa.Column('choice_id', sa.String(length=64), nullable=True),
    sa.Column('preset_id', sa.String(length=64), nullable=True),
    sa.Column('value', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_day_kind', ['day', 'kind'], unique=False)
    op.create_table('product_versions',
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('product_id', sa.String(length=64), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('hash', name=op.f('pk_product_versions'))
    )
    with op.batch_alter_table('product_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_versions_product_id'), ['product_id'], unique=False)
    op.create_table('configurations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_key', sa.String(length=32), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('product_id', sa.String(length=64), nullable=False),
    sa.Column('product_hash', sa.String(length=64), nullable=False),
    sa.Column('selections', sa.JSON(), nullable=False),
    sa.Column('configuration', sa.Text(), nullable=False),
    sa.Column('share_code', sa.Text(), nullable=False),
    sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('thumbnail', sa.LargeBinary(), nullable=True),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_configurations_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_hash'], ['product_versions.hash'], name=op.f('fk_configurations_product_hash_product_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_configurations')),
    sa.UniqueConstraint('client_key', name=op.f('uq_configurations_client_key'))
    )
    with op.batch_alter_table('configurations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_configurations_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_configurations_product_id'), ['product_id'], unique=False)
    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=100), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('buyer_key', sa.String(length=32), nullable=True),
    sa.Column('ordered_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('document', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_orders_customer_id_customers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('external_id', name=op.f('uq_orders_external_id'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_buyer_key'), ['buyer_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_ordered_on'), ['ordered_on'], unique=False)
    op.create_table('order_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.String(length=64), nullable=False),
    sa.Column('product_hash', sa.String(length=64), nullable=True),
    sa.Column('share_code', sa.Text(), nullable=False),
    sa.Column('configuration', sa.Text(), nullable=True),
    sa.Column('preset_id', sa.String(length=64), nullable=True),
    sa.Column('personalized', sa.Boolean(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('problem', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_lines_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_hash'], ['product_versions.hash'], name=op.f('fk_order_lines_product_hash_product_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_lines'))
    )
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_lines_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_lines_product_id'), ['product_id'], unique=False)
    op.create_table('quotes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('configuration_id', sa.Integer(), nullable=False),
    sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('document', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['configuration_id'], ['configurations.id'], name=op.f('fk_quotes_configuration_id_configurations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quotes'))
    )
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quotes_configuration_id'), ['configuration_id'], unique=False)
    op.create_table('order_line_choices',
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.String(length=64), nullable=False),
    sa.Column('choice_id', sa.String(length=64), nullable=False),
    sa.Column('product_id', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_order_line_choices_order_line_id_order_lines'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('order_line_id', 'group_id', name=op.f('pk_order_line_choices'))
    )
    with op.batch_alter_table('order_line_choices', schema=None) as batch_op:
        batch_op.create_index('ix_order_line_choices_choice', ['product_id', 'group_id', 'choice_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('order_line_choices', schema=None) as batch_op:
        batch_op.drop_index('ix_order_line_choices_choice')
    op.drop_table('order_line_choices')
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quotes_configuration_id'))
    op.drop_table('quotes')
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_lines_product_id'))
        batch_op.drop_index(batch_op.f('ix_order_lines_order_id'))
    op.drop_table('order_lines')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_ordered_on'))
        batch_op.drop_index(batch_op.f('ix_orders_customer_id'))
        batch_op.drop_index(batch_op.f('ix_orders_buyer_key'))
    op.drop_table('orders')
    with op.batch_alter_table('configurations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_configurations_product_id'))
        batch_op.drop_index(batch_op.f('ix_configurations_customer_id'))
    op.drop_table('configurations')
    with op.batch_alter_table('product_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_versions_product_id'))
    op.drop_table('product_versions')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_day_kind')
    op.drop_table('events')
    op.drop_table('customers')

"""A customer's history: saved configurations (with thumbnails), quotes and orders."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.store.customers import customer
from app.store.tables import Customer, Order, Quote, SavedConfiguration


@dataclass(frozen=True)
class History:
    customer: Customer
    configurations: list[SavedConfiguration]
    quotes: list[Quote]
    orders: list[Order]


def customer_history(session: Session, customer_id: int) -> History:
    """Newest first."""
    who = customer(session, customer_id)
    configurations = list(session.scalars(
        select(SavedConfiguration).where(SavedConfiguration.customer_id == customer_id)
        .order_by(SavedConfiguration.saved_at.desc(), SavedConfiguration.id.desc())))
    quotes = list(session.scalars(
        select(Quote).join(SavedConfiguration)
        .where(SavedConfiguration.customer_id == customer_id)
        .order_by(Quote.created_at.desc(), Quote.id.desc())))
    orders = list(session.scalars(
        select(Order).where(Order.customer_id == customer_id)
        .options(selectinload(Order.lines))
        .order_by(Order.ordered_on.desc(), Order.id.desc())))
    return History(who, configurations, quotes, orders)

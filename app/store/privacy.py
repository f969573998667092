"""A customer's data: exported whole, or erased.

Erasing removes the customer's name and e-mail, their saved configurations and quotes (with
the personalization texts and pictures those hold), and the personalization of their order
lines. The orders stay, without the customer, as anonymous lines for the counts (their buyer
key is random, never derived from who they were). The ids of the pictures that were only in
erased records are returned, so the caller can remove them from the picture store.
"""

from __future__ import annotations

import base64
import json

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.domain.configuration import ImageValue
from app.store.customers import customer
from app.store.history import customer_history
from app.store.tables import Order, OrderLine, SavedConfiguration


def export_customer(session: Session, customer_id: int) -> dict:
    """Everything the store holds about one customer, as JSON-ready data."""
    history = customer_history(session, customer_id)
    who = history.customer
    return {
        "customer": {"id": who.id, "name": who.name, "email": who.email,
                     "consent": who.consent, "created_at": who.created_at.isoformat()},
        "configurations": [{
            "id": c.id, "product_id": c.product_id, "product_hash": c.product_hash,
            "saved_at": c.saved_at.isoformat(), "share_code": c.share_code,
            "total": str(c.total), "currency": c.currency,
            "configuration": json.loads(c.configuration),
            "thumbnail_png_base64": None if c.thumbnail is None
            else base64.b64encode(c.thumbnail).decode()} for c in history.configurations],
        "quotes": [{"id": q.id, "configuration_id": q.configuration_id, "total": str(q.total),
                    "currency": q.currency, "document": q.document,
                    "created_at": q.created_at.isoformat()} for q in history.quotes],
        "orders": [{
            "id": o.id, "external_id": o.external_id, "ordered_on": o.ordered_on.isoformat(),
            "source": o.source, "document": o.document,
            "lines": [{"product_id": line.product_id, "share_code": line.share_code,
                       "quantity": line.quantity,
                       "unit_price": None if line.unit_price is None else str(line.unit_price),
                       "currency": line.currency, "problem": line.problem,
                       "configuration": None if line.configuration is None
                       else json.loads(line.configuration)} for line in o.lines]}
            for o in history.orders],
    }


def _pictures(configuration_json: str | None) -> set[str]:
    if not configuration_json:
        return set()
    try:
        values = json.loads(configuration_json).get("personalization", {})
    except (ValueError, AttributeError):
        return set()
    return {v["image"] for v in values.values()
            if isinstance(v, dict) and v.get("kind") == ImageValue.model_fields["kind"].default
            and isinstance(v.get("image"), str)}


def erase_customer(session: Session, customer_id: int) -> set[str]:
    """Erase the customer (see the module's text); returns the picture ids their records
    named."""
    who = customer(session, customer_id)
    pictures: set[str] = set()
    for saved in session.scalars(select(SavedConfiguration)
                                 .where(SavedConfiguration.customer_id == customer_id)):
        pictures |= _pictures(saved.configuration)
        session.delete(saved)  # its quotes go with it
    orders = list(session.scalars(select(Order).where(Order.customer_id == customer_id)
                                  .options(selectinload(Order.lines))))
    for order in orders:
        order.customer_id = None
        order.document = None  # the order package's file name may carry the name
        for line in order.lines:
            pictures |= _pictures(line.configuration)
            line.configuration = None
            line.share_code = ""  # it spells out the whole configuration, texts included
    session.delete(who)
    session.flush()
    return {p for p in pictures if not _still_named(session, p)}


def _still_named(session: Session, picture: str) -> bool:
    """Whether a record of another customer names ``picture`` (the same photo uploaded twice
    is stored once)."""
    pattern = f"%{picture}%"
    return bool(session.scalar(select(SavedConfiguration.id).where(
        SavedConfiguration.configuration.like(pattern)).limit(1))) or bool(session.scalar(
            select(OrderLine.id).where(OrderLine.configuration.like(pattern)).limit(1)))

"""Customers a sales rep finds or creates: name, e-mail, consent to be remembered."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import AppError
from app.store.tables import Customer

MAX_NAME_CHARS = 200
MAX_EMAIL_CHARS = 254
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_name(name: str) -> str:
    name = " ".join(str(name).split())
    if not name:
        raise AppError("expected the customer's name", field="name")
    if len(name) > MAX_NAME_CHARS or _CONTROL.search(name):
        raise AppError(f"expected a name of at most {MAX_NAME_CHARS} printable characters",
                       field="name")
    return name


def clean_email(email: str | None) -> str | None:
    """The e-mail in lower case; None for none."""
    if email is None or not str(email).strip():
        return None
    email = str(email).strip().lower()
    if len(email) > MAX_EMAIL_CHARS or not _EMAIL.fullmatch(email):
        raise AppError("expected an e-mail address such as anna@example.com", field="e-mail")
    return email


def new_buyer_key() -> str:
    return secrets.token_hex(16)


def create_customer(session: Session, name: str, email: str | None = None, *,
                    consent: bool = False) -> Customer:
    email = clean_email(email)
    name = clean_name(name)
    if email is not None:
        known = customer_by_email(session, email)
        if known is not None:
            raise AppError(f"customer {known.id} already has this e-mail address",
                           field="e-mail")
    customer = Customer(name=name, email=email, consent=consent, buyer_key=new_buyer_key(),
                        created_at=datetime.now(UTC))
    try:
        with session.begin_nested():  # another rep may add the same e-mail meanwhile
            session.add(customer)
    except IntegrityError:
        raise AppError("another customer has this e-mail address", field="e-mail") from None
    return customer


def customer_by_email(session: Session, email: str) -> Customer | None:
    return session.scalars(select(Customer).where(Customer.email == email.lower())).first()


def customer(session: Session, customer_id: int) -> Customer:
    found = session.get(Customer, customer_id)
    if found is None:
        raise AppError(f"no customer {customer_id} in the store", field="customer")
    return found


def find_customers(session: Session, text: str, limit: int = 20) -> list[Customer]:
    """Customers whose name or e-mail contains ``text`` (any case), newest first."""
    words = " ".join(str(text).split())[:MAX_EMAIL_CHARS]
    query = select(Customer).order_by(Customer.created_at.desc(), Customer.id.desc())
    if words:
        pattern = "%" + words.lower().replace("\\", "\\\\").replace("%", "\\%").replace(
            "_", "\\_") + "%"
        query = query.where(or_(func.lower(Customer.name).like(pattern, escape="\\"),
                                Customer.email.like(pattern, escape="\\")))
    return list(session.scalars(query.limit(limit)))

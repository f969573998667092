"""Configurations saved to a customer, and quotes made from them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.configuration import Configuration, complete, configuration_problems
from app.domain.pricing import price_breakdown
from app.domain.product import Product
from app.domain.share_code import encode_share_code
from app.errors import AppError, AppErrors
from app.store.customers import customer
from app.store.products import product_version, remember_product
from app.store.tables import Quote, SavedConfiguration

MAX_THUMBNAIL_BYTES = 512 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def new_client_key() -> str:
    return secrets.token_hex(16)


def save_configuration(session: Session, customer_id: int, product: Product,
                       configuration: Configuration, *, thumbnail: bytes | None = None,
                       client_key: str | None = None) -> SavedConfiguration:
    """``configuration`` of ``product`` kept for the customer. Saving the same ``client_key``
    twice (a queued save written again) keeps one row."""
    customer(session, customer_id)
    if thumbnail is not None and (len(thumbnail) > MAX_THUMBNAIL_BYTES
                                  or not thumbnail.startswith(PNG_SIGNATURE)):
        raise AppError(f"expected a PNG of at most {MAX_THUMBNAIL_BYTES // 1024} KiB",
                       field="thumbnail")
    configuration = complete(configuration, product)
    problems = configuration_problems(configuration, product)
    if problems:
        raise AppErrors(problems)
    client_key = client_key or new_client_key()
    known = session.scalars(select(SavedConfiguration).where(
        SavedConfiguration.client_key == client_key)).first()
    if known is not None:
        return known
    prices = price_breakdown(configuration, product)
    row = SavedConfiguration(
        client_key=client_key, customer_id=customer_id, product_id=product.id,
        product_hash=remember_product(session, product),
        selections=dict(configuration.selections), configuration=configuration.to_json(),
        share_code=encode_share_code(configuration, product), total=prices.total,
        currency=prices.currency, thumbnail=thumbnail, saved_at=datetime.now(UTC))
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class SavedLook:
    """A saved configuration read back: the product as it was saved, and the configuration."""

    row: SavedConfiguration
    product: Product
    configuration: Configuration


def saved_configuration(session: Session, configuration_id: int) -> SavedLook:
    row = session.get(SavedConfiguration, configuration_id)
    if row is None:
        raise AppError(f"no saved configuration {configuration_id} in the store",
                       field="configuration")
    return SavedLook(row, product_version(session, row.product_hash),
                     Configuration.from_json(row.configuration,
                                             source=f"configuration {configuration_id}"))


def record_quote(session: Session, configuration_id: int, document: str | None = None
                 ) -> Quote:
    """A quote (the spec sheet ``document``) for a saved configuration, at its saved price."""
    saved = session.get(SavedConfiguration, configuration_id)
    if saved is None:
        raise AppError(f"no saved configuration {configuration_id} in the store",
                       field="configuration")
    quote = Quote(configuration_id=configuration_id, total=saved.total,
                  currency=saved.currency, document=document, created_at=datetime.now(UTC))
    session.add(quote)
    session.flush()
    return quote

"""Writing what the disk queue held once the database is back: events, and configurations
saved to a customer. An entry that does not read is skipped (the queue is a file on disk, so
it is checked like any file from outside)."""

from __future__ import annotations

import base64
import binascii
import logging

from pydantic import ValidationError

from app.domain.configuration import Configuration
from app.domain.product import Product
from app.errors import AppError
from app.store.configurations import save_configuration
from app.store.database import StoreDatabase
from app.store.event_records import EventRecord
from app.store.event_writes import store_events
from app.store.products import product_definition

log = logging.getLogger(__name__)


def configuration_payload(client_key: str, customer_id: int, product: Product,
                          configuration: Configuration, thumbnail: bytes | None) -> dict:
    return {"client_key": client_key, "customer_id": customer_id,
            "product": product_definition(product), "configuration": configuration.to_json(),
            "thumbnail": None if thumbnail is None else base64.b64encode(thumbnail).decode()}


def write_queued(database: StoreDatabase, entries: list[dict]) -> None:
    """Store the queued entries in one transaction (all or none)."""
    events = []
    saves = []
    for entry in entries:
        try:
            if entry["kind"] == "event":
                events.append(EventRecord.from_payload(entry["payload"]).row())
            elif entry["kind"] == "configuration":
                saves.append(_save(entry["payload"]))
            else:
                raise ValueError(f"unknown entry kind {entry['kind']!r}")
        except (KeyError, TypeError, ValueError, ValidationError, AppError,
                binascii.Error) as exc:
            # the type only: a message may quote the entry, and the log holds no customer data
            log.warning("skipped an entry of the store's disk queue (%s)", type(exc).__name__)
    with database.transaction() as session:
        store_events(session, events)
        for client_key, customer_id, product, configuration, thumbnail in saves:
            try:
                with session.begin_nested():
                    save_configuration(session, customer_id, product, configuration,
                                       thumbnail=thumbnail, client_key=client_key)
            except AppError as exc:  # the customer was erased meanwhile, say
                log.warning("a queued configuration could not be saved (%s, field %s)",
                            type(exc).__name__, exc.field)


def _save(payload: dict):
    client_key = payload["client_key"]
    customer_id = payload["customer_id"]
    if not isinstance(client_key, str) or len(client_key) != 32 \
            or not isinstance(customer_id, int):
        raise ValueError("expected a client key and a customer id")
    product = Product.model_validate_json(payload["product"])
    configuration = Configuration.from_json(payload["configuration"], source="disk queue")
    thumbnail = payload.get("thumbnail")
    return (client_key, customer_id, product, configuration,
            None if thumbnail is None else base64.b64decode(thumbnail, validate=True))

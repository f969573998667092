"""The sales rep's customer desk, without Qt: find or create a customer, save what is on show
to them, read their history, turn a saved configuration into a quote or an order, and the
suggestions for the options panel (from what sold, and from the customer's own orders).

Everything goes through a StoreLink (app.store.link). While the link is offline nothing here
waits for the database: reads raise StoreUnavailable at once (the link's writer thread
reconnects), and a configuration saved to a customer is queued on disk, written later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from sqlalchemy.orm import Session

from app.domain.configuration import Configuration, complete
from app.domain.pricing import format_amount
from app.domain.product import Product
from app.session.configurator import Configurator
from app.store.configurations import (
    SavedLook,
    new_client_key,
    record_quote,
    saved_configuration,
)
from app.store.customer_suggestions import complements, usual_choices
from app.store.customers import create_customer, find_customers
from app.store.database import StoreUnavailable
from app.store.history import customer_history
from app.store.link import StoreLink
from app.store.orders import LineItem, order_total, record_order
from app.store.queued import configuration_payload
from app.store.suggestions import suggestions
from app.store.tables import Customer, Order

T = TypeVar("T")


@dataclass(frozen=True)
class CustomerCard:
    id: int
    name: str
    email: str | None
    consent: bool

    @classmethod
    def of(cls, row: Customer) -> CustomerCard:
        return cls(row.id, row.name, row.email, bool(row.consent))

    def title(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name


@dataclass(frozen=True)
class SavedCard:
    """A saved configuration as the history list shows it."""

    id: int
    product_id: str
    text: str
    thumbnail: bytes | None


@dataclass(frozen=True)
class HistoryView:
    customer: CustomerCard
    configurations: list[SavedCard]
    quotes: list[str]
    orders: list[str]
    goes_with: list[GoesWith] = field(default_factory=list)


@dataclass(frozen=True)
class GoesWith:
    """A product that goes with what the customer bought, configured to match it."""

    product_id: str
    configuration: Configuration
    text: str


@dataclass(frozen=True)
class SuggestionLine:
    """One line under an option group: what to say, and the choice its button applies."""

    group_id: str
    choice_id: str
    text: str


def _money(amount: Decimal | None, currency: str | None) -> str:
    return "no price" if amount is None else format_amount(amount, currency or "")


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


class CustomerDesk:
    def __init__(self, link: StoreLink, configurator: Configurator):
        self.link = link
        self.configurator = configurator
        self.customer: CustomerCard | None = None

    @property
    def online(self) -> bool:
        return self.link.online

    def _read(self, work: Callable[[Session], T]) -> T:
        """``work`` in one short transaction; StoreUnavailable at once while offline (no
        connection attempt from the window's thread)."""
        if not self.link.online:
            raise StoreUnavailable(self.link.status() or "Store offline")
        return self.link.read(work)

    # customers ------------------------------------------------------------------------------

    def find(self, text: str) -> list[CustomerCard]:
        return self._read(lambda s: [CustomerCard.of(c) for c in find_customers(s, text)])

    def create(self, name: str, email: str | None, consent: bool) -> CustomerCard:
        """A new customer, chosen at once. AppError when the name or e-mail does not do."""
        card = self._read(lambda s: CustomerCard.of(
            create_customer(s, name, email, consent=consent)))
        self.customer = card
        return card

    def choose(self, card: CustomerCard | None) -> None:
        self.customer = card

    # saving and history ---------------------------------------------------------------------

    def save_current(self, thumbnail: bytes | None = None) -> int | None:
        """Save the configuration on show to the chosen customer: its id, or None when it was
        queued on disk (the store is offline) to be written when it is back."""
        if self.customer is None:
            raise ValueError("no customer chosen")
        product, configuration = self.configurator.product, self.configurator.configuration
        if self.link.online:
            return self.link.save_configuration(self.customer.id, product, configuration,
                                                thumbnail)
        self.link.outbox.put("configuration", configuration_payload(
            new_client_key(), self.customer.id, product, complete(configuration, product),
            thumbnail))
        return None

    def history(self) -> HistoryView:
        if self.customer is None:
            raise ValueError("no customer chosen")
        customer_id = self.customer.id
        catalog = self.configurator.catalog.products

        def read(session: Session) -> HistoryView:
            found = customer_history(session, customer_id)
            saved = []
            for row in found.configurations:
                product = catalog.get(row.product_id)
                name = product.name if product is not None else f"{row.product_id} (gone)"
                saved.append(SavedCard(row.id, row.product_id,
                                       f"{name}\n{_money(row.total, row.currency)}\n"
                                       f"{_when(row.saved_at)}", row.thumbnail))
            quotes = [f"Quote {q.id}: configuration {q.configuration_id}, "
                      f"{_money(q.total, q.currency)}, {_when(q.created_at)}"
                      for q in found.quotes]
            orders = [_order_text(o) for o in found.orders]
            goes_with = [GoesWith(c.product_id, c.configuration, c.describe(catalog))
                         for c in complements(session, customer_id, catalog)]
            return HistoryView(CustomerCard.of(found.customer), saved, quotes, orders,
                               goes_with)

        return self._read(read)

    def saved_look(self, configuration_id: int) -> SavedLook:
        return self._read(lambda s: saved_configuration(s, configuration_id))

    # quotes and orders ----------------------------------------------------------------------

    def record_quote(self, configuration_id: int, document: str | None) -> int:
        quote_id = self._read(lambda s: record_quote(s, configuration_id, document).id)
        self.configurator.tell("quote")
        return quote_id

    def record_order(self, product: Product, configuration: Configuration,
                     document: str | None) -> int:
        """An order of one line, ``configuration`` of ``product``, for the chosen customer."""
        customer_id = self.customer.id if self.customer is not None else None
        order_id = self._read(lambda s: record_order(
            s, [LineItem.of(product, configuration)], customer_id=customer_id,
            document=document).id)
        self.configurator.tell("order")
        return order_id

    # suggestions ----------------------------------------------------------------------------

    def suggestion_lines(self) -> dict[str, list[SuggestionLine]]:
        """Per option group, what sold with the current choices (backed by enough buyers),
        then the chosen customer's own most ordered choice; none while offline."""
        if not self.link.online:
            return {}
        product, configuration = self.configurator.product, self.configurator.configuration
        customer_id = self.customer.id if self.customer is not None else None
        try:
            return self._read(lambda s: _suggestion_lines(s, product, configuration,
                                                          customer_id))
        except StoreUnavailable:
            return {}


def _order_text(order: Order) -> str:
    lines = len(order.lines)
    currency = next((line.currency for line in order.lines if line.currency), "")
    return (f"Order {order.id}: {lines} line{'s' if lines != 1 else ''}, "
            f"{_money(order_total(order), currency)}, {order.ordered_on:%Y-%m-%d}")


def _suggestion_lines(session: Session, product: Product, configuration: Configuration,
                      customer_id: int | None) -> dict[str, list[SuggestionLine]]:
    lines: dict[str, list[SuggestionLine]] = {}
    for group_id, found in suggestions(session, product, configuration).items():
        lines.setdefault(group_id, []).append(SuggestionLine(
            group_id, found.choice_id, f"Often chosen: {found.describe(product)}"))
    if customer_id is not None:
        for group_id, choice_id in usual_choices(session, customer_id, product,
                                                 configuration).items():
            label = product.option(group_id).choice(choice_id).label
            lines.setdefault(group_id, []).append(SuggestionLine(
                group_id, choice_id, f"This customer ordered {label} before"))
    return lines

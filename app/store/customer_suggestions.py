"""Suggestions for a known customer from their own orders: the products that go with what
they bought (the product file's ``complements``), configured to match it (the same choice, or a
choice of the same material or label, where the complement offers one), and the choices they
made before for the product on show."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.choices import keep_valid, offerable_choices
from app.domain.configuration import Configuration, default_configuration
from app.domain.product import Choice, OptionGroup, Product
from app.store.customers import customer
from app.store.tables import Order, OrderLine, OrderLineChoice


@dataclass(frozen=True)
class Complement:
    product_id: str
    configuration: Configuration
    because_product: str  # the product the customer ordered that it goes with
    matched: tuple[tuple[str, str], ...]  # (group, choice) set to match that order

    def describe(self, products: Mapping[str, Product]) -> str:
        product = products[self.product_id]
        bought = products[self.because_product].name if self.because_product in products \
            else self.because_product
        parts = [product.option(g).choice(c).label for g, c in self.matched]
        matching = f", in {', '.join(parts)} to match" if parts else ""
        return f"{product.name} to go with the {bought} they ordered{matching}"


def _ordered_choices(session: Session, customer_id: int) -> dict[str, Counter]:
    """Per product the customer ordered, how often they ordered each (group, choice)."""
    rows = session.execute(
        select(OrderLine.product_id, OrderLineChoice.group_id, OrderLineChoice.choice_id,
               OrderLine.quantity)
        .join(OrderLineChoice, OrderLineChoice.order_line_id == OrderLine.id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.customer_id == customer_id, OrderLine.problem.is_(None))).all()
    ordered: dict[str, Counter] = {}
    for product_id, group_id, choice_id, quantity in rows:
        ordered.setdefault(product_id, Counter())[(group_id, choice_id)] += quantity
    return ordered


def _match(group: OptionGroup, bought: dict[str, list[Choice]]) -> Choice | None:
    """The choice of ``group`` that matches what was bought: the same choice in a group of
    the same id, else a choice of the same material or the same label in any group (a
    colour of the body matched by a colour of the strap), the most bought first."""
    offered = {c.id: c for c in group.choices}
    for choice in bought.get(group.id, []):
        if choice.id in offered:
            return offered[choice.id]
    for choices in bought.values():
        for b in choices:
            for choice in group.choices:
                if (choice.material and choice.material == b.material
                        and choice.color == b.color) \
                        or choice.label.casefold() == b.label.casefold():
                    return choice
    return None


def complements(session: Session, customer_id: int, products: Mapping[str, Product]
                ) -> list[Complement]:
    customer(session, customer_id)
    ordered = _ordered_choices(session, customer_id)
    out: list[Complement] = []
    for product_id, counts in ordered.items():
        bought_product = products.get(product_id)
        if bought_product is None:
            continue
        bought: dict[str, list[Choice]] = {}
        for (group_id, choice_id), _ in counts.most_common():
            try:
                choice = bought_product.option(group_id).choice(choice_id)
            except KeyError:  # the product changed since
                continue
            bought.setdefault(group_id, []).append(choice)
        for other_id in bought_product.complements:
            other = products.get(other_id)
            if other is None or other_id in ordered:
                continue
            configuration = default_configuration(other)
            matched = []
            for group in other.options:
                choice = _match(group, bought)
                if choice is not None:
                    configuration = configuration.with_choice(group.id, choice.id)
                    matched.append((group.id, choice.id))
            configuration = keep_valid(configuration, other)
            kept = tuple((g, c) for g, c in matched if configuration.selections.get(g) == c)
            out.append(Complement(other_id, configuration, product_id, kept))
    return out


def usual_choices(session: Session, customer_id: int, product: Product,
                  configuration: Configuration | None = None) -> dict[str, str]:
    """Per option group of ``product``, the choice the customer ordered most often (only the
    choices the product still has). With ``configuration``: only where that choice is not the
    current one, its group is active and the rules allow it now."""
    counts = _ordered_choices(session, customer_id).get(product.id, Counter())
    usual: dict[str, str] = {}
    for (group_id, choice_id), _ in counts.most_common():
        if group_id in usual:
            continue
        try:
            product.option(group_id).choice(choice_id)
        except KeyError:
            continue
        usual[group_id] = choice_id
    if configuration is None:
        return usual
    offer = offerable_choices(product, configuration)
    return {g: c for g, c in usual.items() if (g, c) in offer}

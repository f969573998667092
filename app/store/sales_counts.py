"""What sells together, counted for suggestions: per product, how many readable order lines
(and distinct buyers) chose each choice and each pair of choices of two groups.

An order recorded in the app adds its lines to the counts at once (``count_lines``: a few small
queries, so the writer never holds the database for long); bulk work (an import) marks the
product's counts stale and ``refresh_counts`` makes them again from every line. Buyers are
counted by their random buyer key: a line adds a buyer to a choice or a pair only when that
buyer had no earlier readable line with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import permutations

from sqlalchemy import and_, delete, func, insert, select
from sqlalchemy.orm import Session, aliased

from app.store.daily_totals import upsert_add
from app.store.tables import (
    ChoiceCount,
    CountsState,
    Order,
    OrderLine,
    OrderLineChoice,
    PairCount,
)


def mark_counts_stale(session: Session, product_id: str) -> None:
    state = session.get(CountsState, product_id)
    if state is None:
        session.add(CountsState(product_id=product_id, stale=True))
    else:
        state.stale = True


def counts_fresh(session: Session, product_id: str) -> bool:
    state = session.get(CountsState, product_id)
    return state is not None and not state.stale


def count_lines(session: Session, lines: Iterable[OrderLine], buyer_key: str | None) -> None:
    """Add the readable ``lines`` of one order (already flushed) to their products' counts;
    a product whose counts are stale (or were never made) is marked for ``refresh_counts``."""
    for line in lines:
        if line.problem is not None:
            continue
        if not counts_fresh(session, line.product_id):
            mark_counts_stale(session, line.product_id)
            continue
        chosen = [(c.group_id, c.choice_id) for c in line.choices]
        before = _bought_before(session, line, buyer_key)
        new_singles = [(g, c) for g, c in chosen
                       if buyer_key is not None and not any((g, c) in s for s in before)]
        upsert_add(session, ChoiceCount.__table__, ("product_id", "group_id", "choice_id"), [
            {"product_id": line.product_id, "group_id": g, "choice_id": c, "lines": 1,
             "buyers": int((g, c) in new_singles)} for g, c in chosen])
        upsert_add(session, PairCount.__table__,
                   ("product_id", "group_a", "choice_a", "group_b", "choice_b"), [
            {"product_id": line.product_id, "group_a": a[0], "choice_a": a[1],
             "group_b": b[0], "choice_b": b[1], "lines": 1,
             "buyers": int(buyer_key is not None
                           and not any(a in s and b in s for s in before))}
            for a, b in permutations(chosen, 2)])


def _bought_before(session: Session, line: OrderLine, buyer_key: str | None
                   ) -> list[set[tuple[str, str]]]:
    """The choices of each earlier readable line of the same buyer and product."""
    if buyer_key is None:
        return []
    rows = session.execute(
        select(OrderLineChoice.order_line_id, OrderLineChoice.group_id,
               OrderLineChoice.choice_id)
        .join(OrderLine, OrderLine.id == OrderLineChoice.order_line_id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.buyer_key == buyer_key, OrderLine.product_id == line.product_id,
               OrderLine.problem.is_(None), OrderLine.id != line.id)).all()
    lines: dict[int, set[tuple[str, str]]] = {}
    for line_id, group_id, choice_id in rows:
        lines.setdefault(line_id, set()).add((group_id, choice_id))
    return list(lines.values())


def refresh_counts(session: Session, product_id: str | None = None) -> list[str]:
    """Make the counts again for the products whose order lines changed (or for
    ``product_id``); returns the products done."""
    if product_id is None:
        products = list(session.scalars(select(CountsState.product_id)
                                        .where(CountsState.stale.is_(True))))
    else:
        products = [product_id]
    for pid in products:
        _count(session, pid)
        state = session.get(CountsState, pid)
        if state is None:
            session.add(CountsState(product_id=pid, stale=False))
        else:
            state.stale = False
    session.flush()
    return products


def _count(session: Session, product_id: str) -> None:
    session.execute(delete(PairCount).where(PairCount.product_id == product_id))
    session.execute(delete(ChoiceCount).where(ChoiceCount.product_id == product_id))
    a = aliased(OrderLineChoice)
    b = aliased(OrderLineChoice)
    readable = and_(OrderLine.id == a.order_line_id, OrderLine.problem.is_(None))
    singles = (
        select(a.product_id, a.group_id, a.choice_id,
               func.count(func.distinct(a.order_line_id)),
               func.count(func.distinct(Order.buyer_key)))
        .join(OrderLine, readable).join(Order, Order.id == OrderLine.order_id)
        .where(a.product_id == product_id)
        .group_by(a.product_id, a.group_id, a.choice_id))
    session.execute(insert(ChoiceCount).from_select(
        ["product_id", "group_id", "choice_id", "lines", "buyers"], singles))
    pairs = (
        select(a.product_id, a.group_id, a.choice_id, b.group_id, b.choice_id,
               func.count(func.distinct(a.order_line_id)),
               func.count(func.distinct(Order.buyer_key)))
        .join(b, and_(b.order_line_id == a.order_line_id, b.group_id != a.group_id))
        .join(OrderLine, readable).join(Order, Order.id == OrderLine.order_id)
        .where(a.product_id == product_id)
        .group_by(a.product_id, a.group_id, a.choice_id, b.group_id, b.choice_id))
    session.execute(insert(PairCount).from_select(
        ["product_id", "group_a", "choice_a", "group_b", "choice_b", "lines", "buyers"], pairs))

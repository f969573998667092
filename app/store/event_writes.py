"""Writing events: the rows, and their count in the daily totals, in one transaction."""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.store.daily_totals import add_events
from app.store.tables import Event


def store_events(session: Session, rows: list[dict]) -> None:
    if rows:
        session.execute(insert(Event), rows)
        add_events(session, rows)

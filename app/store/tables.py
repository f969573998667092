"""The store's tables (SQLAlchemy 2 declarative mapping).

Personal data lives only in ``customers`` (name, e-mail) and in the personalization of saved
configurations and order lines; erasing a customer removes all of it (app.store.privacy).
``events`` never holds any: ids of products, groups, choices and presets, a random session key
and numbers. Orders carry a random ``buyer_key`` (never derived from the e-mail) so suggestions can
count distinct buyers after a customer is erased.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# constraint names the same on every database, so migrations can name them
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(64)  # product, group, choice and preset ids
MONEY = Numeric(12, 2)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    buyer_key: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    configurations: Mapped[list[SavedConfiguration]] = relationship(back_populates="customer")


class ProductVersion(Base):
    """A product as it was when something was recorded, by the hash of its definition."""

    __tablename__ = "product_versions"
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    product_id: Mapped[str] = mapped_column(ID, index=True)
    definition: Mapped[str] = mapped_column(Text)  # the product's canonical JSON
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SavedConfiguration(Base):
    __tablename__ = "configurations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # a random id made where the configuration was saved: a save queued while the database was
    # down and written twice is stored once
    client_key: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[str] = mapped_column(ID, index=True)
    product_hash: Mapped[str] = mapped_column(ForeignKey("product_versions.hash"))
    selections: Mapped[dict] = mapped_column(JSON)  # group id -> choice id
    configuration: Mapped[str] = mapped_column(Text)  # the whole Configuration as JSON
    share_code: Mapped[str] = mapped_column(Text)
    total: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    thumbnail: Mapped[bytes | None] = mapped_column(LargeBinary)  # PNG
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    customer: Mapped[Customer | None] = relationship(back_populates="configurations")


class Quote(Base):
    __tablename__ = "quotes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    configuration_id: Mapped[int] = mapped_column(
        ForeignKey("configurations.id", ondelete="CASCADE"), index=True)
    total: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    document: Mapped[str | None] = mapped_column(Text)  # the spec sheet's file name
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True)
    buyer_key: Mapped[str | None] = mapped_column(String(32), index=True)
    ordered_on: Mapped[date] = mapped_column(Date, index=True)
    source: Mapped[str] = mapped_column(String(16))  # "app" or "import"
    document: Mapped[str | None] = mapped_column(Text)  # the order package's file name
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lines: Mapped[list[OrderLine]] = relationship(back_populates="order",
                                                  cascade="all, delete-orphan")


class OrderLine(Base):
    __tablename__ = "order_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    product_id: Mapped[str] = mapped_column(ID, index=True)
    product_hash: Mapped[str | None] = mapped_column(ForeignKey("product_versions.hash"))
    share_code: Mapped[str] = mapped_column(Text)
    configuration: Mapped[str | None] = mapped_column(Text)  # None: erased, or not readable
    preset_id: Mapped[str | None] = mapped_column(ID)
    personalized: Mapped[bool] = mapped_column(Boolean, default=False)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    unit_price: Mapped[Decimal | None] = mapped_column(MONEY)
    currency: Mapped[str | None] = mapped_column(String(3))
    # why the line could not be read against the catalog (product or choice gone): kept, flagged
    problem: Mapped[str | None] = mapped_column(Text)
    order: Mapped[Order] = relationship(back_populates="lines")
    choices: Mapped[list[OrderLineChoice]] = relationship(cascade="all, delete-orphan")
    # the report reads these columns of every line from this index (migration 0003)
    __table_args__ = (Index("ix_order_lines_report", "order_id", "problem", "product_id",
                            "personalized", "preset_id", "currency", "quantity", "unit_price"),)


class OrderLineChoice(Base):
    """One selection of an order line, by id, for counting what sells together."""

    __tablename__ = "order_line_choices"
    order_line_id: Mapped[int] = mapped_column(
        ForeignKey("order_lines.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[str] = mapped_column(ID, primary_key=True)
    choice_id: Mapped[str] = mapped_column(ID)
    product_id: Mapped[str] = mapped_column(ID)
    __table_args__ = (Index("ix_order_line_choices_choice", "product_id", "group_id",
                            "choice_id"),
                      # the report's join, from an index (migration 0003)
                      Index("ix_order_line_choices_line", "order_line_id", "product_id",
                            "group_id", "choice_id"))


class Event(Base):
    """Something a person did in a window, with no personal data."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(32))
    window: Mapped[str] = mapped_column(String(16))  # "desktop" or "kiosk"
    session_key: Mapped[str] = mapped_column(String(32))
    product_id: Mapped[str | None] = mapped_column(ID)
    group_id: Mapped[str | None] = mapped_column(ID)
    choice_id: Mapped[str | None] = mapped_column(ID)
    preset_id: Mapped[str | None] = mapped_column(ID)
    value: Mapped[float | None] = mapped_column(Float)
    __table_args__ = (Index("ix_events_day_kind", "day", "kind"),)


class PairCount(Base):
    """How many order lines (and distinct buyers) chose ``a`` and ``b`` together."""

    __tablename__ = "pair_counts"
    product_id: Mapped[str] = mapped_column(ID, primary_key=True)
    group_a: Mapped[str] = mapped_column(ID, primary_key=True)
    choice_a: Mapped[str] = mapped_column(ID, primary_key=True)
    group_b: Mapped[str] = mapped_column(ID, primary_key=True)
    choice_b: Mapped[str] = mapped_column(ID, primary_key=True)
    lines: Mapped[int] = mapped_column(Integer)
    buyers: Mapped[int] = mapped_column(Integer)


class ChoiceCount(Base):
    """How many order lines (and distinct buyers) chose one choice."""

    __tablename__ = "choice_counts"
    product_id: Mapped[str] = mapped_column(ID, primary_key=True)
    group_id: Mapped[str] = mapped_column(ID, primary_key=True)
    choice_id: Mapped[str] = mapped_column(ID, primary_key=True)
    lines: Mapped[int] = mapped_column(Integer)
    buyers: Mapped[int] = mapped_column(Integer)


class CountsState(Base):
    """Whether a product's counts are behind its order lines."""

    __tablename__ = "counts_state"
    product_id: Mapped[str] = mapped_column(ID, primary_key=True)
    stale: Mapped[bool] = mapped_column(Boolean, default=True)


class DailyOptionSales(Base):
    """Per day and choice: readable order lines, units and revenue (the report reads these,
    not the lines; kept up to date as orders are recorded)."""

    __tablename__ = "daily_option_sales"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    product_id: Mapped[str] = mapped_column(ID, primary_key=True)
    group_id: Mapped[str] = mapped_column(ID, primary_key=True)
    choice_id: Mapped[str] = mapped_column(ID, primary_key=True)
    lines: Mapped[int] = mapped_column(Integer)
    units: Mapped[int] = mapped_column(Integer)
    revenue: Mapped[Decimal] = mapped_column(Numeric(16, 2))


class DailyLineSales(Base):
    """Per day, product, personalization, preset ('' for none) and currency: readable order
    lines, units and revenue."""

    __tablename__ = "daily_line_sales"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    product_id: Mapped[str] = mapped_column(ID, primary_key=True)
    personalized: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    preset_id: Mapped[str] = mapped_column(ID, primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    lines: Mapped[int] = mapped_column(Integer)
    units: Mapped[int] = mapped_column(Integer)
    revenue: Mapped[Decimal] = mapped_column(Numeric(16, 2))


class DailyEvents(Base):
    """Per day and kind: how many events (kept when the events themselves pass retention)."""

    __tablename__ = "daily_events"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)

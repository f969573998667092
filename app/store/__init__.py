"""The shop's memory: customers, saved configurations, quotes, orders and their lines, events
without personal data, and suggestions from what sold. SQLAlchemy 2 with Alembic migrations;
SQLite by default, PostgreSQL for a chain of stores. Reads and writes domain objects; knows
nothing of Qt, VTK or the renderers."""

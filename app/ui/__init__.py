"""The desktop window: views and controllers (the only place with Qt)."""

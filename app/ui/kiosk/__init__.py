"""Kiosk mode: the store-floor window, its idle and attract loop, admin panel and touch."""

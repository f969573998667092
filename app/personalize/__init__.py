"""Personalization content: fonts, text layout and rasterisation, uploaded images, artwork."""

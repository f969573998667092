"""Model files from other tools turned into product files."""

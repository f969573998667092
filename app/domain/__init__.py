"""Products, options, rules, prices and configurations, as plain data."""

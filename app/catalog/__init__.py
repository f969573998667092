"""Product files and the material library, read from disk into domain objects."""

"""The configuring session both windows share, without Qt: the presenter, its autosave and
the files it reads and writes."""

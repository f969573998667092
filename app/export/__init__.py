"""What leaves the app: AR files, spec sheets, order packages, the hand-off server."""

"""Rendering many configurations: enumeration, hashed file names, local processes or Ray,
layered composites, manifests."""

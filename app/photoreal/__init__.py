"""Photorealistic stills and turntables: the SceneDescription path traced with Mitsuba 3."""

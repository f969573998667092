"""VTK backend: SceneDescription -> actors and pixels."""

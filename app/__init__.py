"""Product visualizer and configurator."""

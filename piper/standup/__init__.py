"""The standup engine: one engine, pluggable sources, renderers that never fetch."""

"""Ingest connectors (one module each) and what publishes their posts to posts.raw."""

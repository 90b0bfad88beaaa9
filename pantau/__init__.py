"""pantau: a social-media monitoring stream processor for hoax narratives."""

__version__ = "0.1.0"

"""``python -m pantau`` is the ``pantau`` command."""

from pantau.cli import run

run()

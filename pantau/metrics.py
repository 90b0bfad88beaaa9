"""Prometheus metrics shared by the worker's stages (served when PANTAU_METRICS_PORT is set)."""

from prometheus_client import Counter, Histogram

POSTS = Counter("pantau_posts_total", "Posts that a stage handled successfully", ["stage"])
DEAD_LETTERS = Counter("pantau_dead_letters_total", "Records sent to the dead-letter topic", ["stage"])
STAGE_SECONDS = Histogram("pantau_stage_batch_seconds", "Time spent on one batch, per stage", ["stage"],
                          buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))

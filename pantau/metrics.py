"""Prometheus metrics shared by the worker's stages (served when PANTAU_METRICS_PORT is set)."""

from prometheus_client import Counter, Gauge, Histogram

POSTS = Counter("pantau_posts_total", "Posts that a stage handled successfully", ["stage"])
DEAD_LETTERS = Counter("pantau_dead_letters_total", "Records sent to the dead-letter topic", ["stage"])
STAGE_SECONDS = Histogram("pantau_stage_batch_seconds", "Time spent on one batch, per stage", ["stage"],
                          buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
CONSUMER_LAG = Gauge("pantau_consumer_lag", "Records in a partition not yet handled by this worker, after its last batch",
                     ["topic", "partition"])
LATENCY_SECONDS = Histogram("pantau_post_latency_seconds",
                            "Time from a record reaching its input topic to the stage finishing it", ["stage"],
                            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900))
ALERTS = Counter("pantau_alerts_total", "Trend alerts raised")
DELIVERIES = Counter("pantau_alert_deliveries_total", "Alert deliveries to webhooks, by outcome", ["alerter", "status"])

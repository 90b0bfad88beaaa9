"""Alert destinations: one module per destination, one dispatcher that delivers to all of them.

- ``base``: the :class:`AlertDeliveryError` every alerter raises, the :class:`Alerter` base
  class and :func:`format_text`, the short human text of an alert.
- ``slack``: Slack-compatible incoming webhooks (Slack, Mattermost, Rocket.Chat, Discord's
  ``/slack`` endpoint).
- ``telegram``: the Telegram Bot API's ``sendMessage``.
- ``dispatcher``: :class:`AlertDispatcher` (non-blocking ``submit``, background delivery,
  scheduled retries) and :func:`alerters_from_config`.
- ``links``: :func:`kibana_links`, Kibana Discover and dashboard links for an alert.
"""

from __future__ import annotations

from streams.alerters.base import AlertDeliveryError, Alerter, format_text
from streams.alerters.dispatcher import AlertDispatcher, alerters_from_config
from streams.alerters.links import kibana_links
from streams.alerters.slack import SlackAlerter
from streams.alerters.telegram import TelegramAlerter

__all__ = [
    "AlertDeliveryError",
    "AlertDispatcher",
    "Alerter",
    "SlackAlerter",
    "TelegramAlerter",
    "alerters_from_config",
    "format_text",
    "kibana_links",
]

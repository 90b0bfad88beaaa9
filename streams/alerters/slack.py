"""Slack-compatible incoming webhooks.

One POST of ``{"text": ..., "blocks": [...]}`` as JSON, Slack's documented incoming-webhook
format. ``text`` is the whole message (the notification text, and what Mattermost,
Rocket.Chat and Discord's ``/slack`` endpoint show); ``blocks`` lay out the same content for
Slack: a header, the body in mrkdwn, the alert's rule and id, and an "Open in Kibana" button.
Slack's control characters ``& < >`` are escaped in both, so that a quoted post cannot
mention ``<!channel>`` or forge a link. The webhook URL is a secret (it alone authorises posting): it comes from an
environment variable, and only its host ever appears in an error.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from streams.alerters.base import (
    AlertDeliveryError,
    Alerter,
    alert_link,
    parse_retry_after,
    register_secret,
)

HEADER_CHARS = 150     # Slack's limit for a header block's text
SECTION_CHARS = 3000   # and for a section's text
BUTTON_URL_CHARS = 3000


def mrkdwn_escape(text: str) -> str:
    """Slack's three control characters, escaped as Slack asks."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class SlackAlerter(Alerter):
    """Posts alerts to a Slack-compatible incoming webhook at ``url``."""

    kind = "slack"

    def __init__(
        self,
        name: str,
        url: str,
        *,
        kibana_url: str | None = None,
        username: str | None = None,
        icon_emoji: str | None = None,
        channel: str | None = None,
    ) -> None:
        super().__init__(name, kibana_url=kibana_url)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"slack alerter {name!r}: the webhook URL is not an http(s) URL")
        self._url = url
        self._target = parts.hostname
        register_secret(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        register_secret(path)  # the secret part; httpx may render the host differently
        self.username, self.icon_emoji, self.channel = username, icon_emoji, channel

    def payload(self, alert: dict) -> dict:
        """The webhook body for ``alert``."""
        text = self.text(alert)
        first, _, rest = text.partition("\n")
        blocks: list[dict] = [
            {"type": "header", "text": {"type": "plain_text", "text": _cut(first, HEADER_CHARS),
                                        "emoji": True}},
        ]
        body = "\n".join(line for line in rest.splitlines() if not line.startswith("Kibana: "))
        if body:
            section = {"type": "mrkdwn", "text": _cut(mrkdwn_escape(body), SECTION_CHARS)}
            blocks.append({"type": "section", "text": section})
        context = " · ".join(
            f"{label}: {mrkdwn_escape(str(alert[key]))}"
            for label, key in (("rule", "rule"), ("alert", "id"))
            if alert.get(key)
        )
        if context:
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn",
                                                            "text": _cut(context, SECTION_CHARS)}]})
        link = alert_link(alert, self.kibana_url)
        if link and len(link) <= BUTTON_URL_CHARS:
            blocks.append({"type": "actions", "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "Open in Kibana"},
                 "url": link},
            ]})
        # Escaped here too: a post quoted in an alert must not become <!channel> or a link.
        payload: dict = {"text": mrkdwn_escape(text), "blocks": blocks}
        for key in ("username", "icon_emoji", "channel"):
            if getattr(self, key):
                payload[key] = getattr(self, key)
        return payload

    async def send(self, alert: dict, client: httpx.AsyncClient) -> None:
        response = await self._post_json(client, self._url, self.payload(alert),
                                          target=self._target)
        if response.is_success:
            return
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        if retry_after is None and response.status_code == 429:
            # Discord's /slack endpoint says it in the body (seconds, may be fractional).
            try:
                body = response.json()
            except ValueError:
                body = None
            if isinstance(body, dict) and isinstance(body.get("retry_after"), (int, float)):
                retry_after = max(0.0, float(body["retry_after"]))
        raise self._http_error(response, self._target, retry_after=retry_after)


__all__ = ["AlertDeliveryError", "SlackAlerter", "mrkdwn_escape"]

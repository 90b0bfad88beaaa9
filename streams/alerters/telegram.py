"""Telegram Bot API: ``sendMessage``.

``POST {api_base}/bot<token>/sendMessage`` with ``chat_id``, ``text``, ``parse_mode`` (HTML,
or none for plain text) and ``disable_web_page_preview``. The token comes from the
environment; it is in the request's path, so it is registered as a secret and never shows in
an error or a log record (only the API's host does).

Telegram answers ``{"ok": true, "result": ...}``, or ``{"ok": false, "error_code": 429,
"description": "Too Many Requests: retry after 7", "parameters": {"retry_after": 7}}``: the
``retry_after`` becomes the error's ``retry_after``, which the dispatcher waits at least.
"""

from __future__ import annotations

import html
from urllib.parse import urlsplit

import httpx

from streams.alerters.base import (
    AlertDeliveryError,
    Alerter,
    alert_link,
    parse_retry_after,
    register_secret,
    retryable_status,
)

API_BASE = "https://api.telegram.org"
MESSAGE_CHARS = 4096  # Telegram's limit, counted after the markup is parsed


class TelegramAlerter(Alerter):
    """Sends alerts to one Telegram chat (a user, group or channel: ``chat_id``)."""

    kind = "telegram"

    def __init__(
        self,
        name: str,
        token: str,
        chat_id: int | str,
        *,
        api_base: str = API_BASE,
        parse_mode: str | None = "HTML",
        disable_web_page_preview: bool = True,
        message_thread_id: int | None = None,
        kibana_url: str | None = None,
    ) -> None:
        super().__init__(name, kibana_url=kibana_url)
        if not token or any(c.isspace() or c in "/?#" for c in token):
            raise ValueError(f"telegram alerter {name!r}: the bot token is not a valid token")
        if parse_mode not in (None, "HTML"):
            raise ValueError(f"telegram alerter {name!r}: parse_mode must be HTML or none")
        base = urlsplit(api_base)
        if base.scheme not in ("http", "https") or not base.hostname:
            raise ValueError(f"telegram alerter {name!r}: api_base is not an http(s) URL")
        register_secret(token)
        self._token = token
        self._url = f"{api_base.rstrip('/')}/bot{token}/sendMessage"
        self._target = base.hostname
        self.chat_id = chat_id
        self.parse_mode = parse_mode
        self.disable_web_page_preview = disable_web_page_preview
        self.message_thread_id = message_thread_id

    def message(self, alert: dict) -> str:
        """The message text: plain, or HTML with the Kibana link as a link."""
        text = self.text(alert)
        if len(text) > MESSAGE_CHARS:
            text = text[: MESSAGE_CHARS - 1] + "…"
        if self.parse_mode != "HTML":
            return text
        link = alert_link(alert, self.kibana_url)
        lines = []
        for number, line in enumerate(text.splitlines()):
            if link and line == f"Kibana: {link}":
                href = html.escape(link, quote=False).replace('"', "&quot;")
                lines.append(f'<a href="{href}">Open in Kibana</a>')
            elif number == 0:
                lines.append(f"<b>{html.escape(line, quote=False)}</b>")
            else:
                lines.append(html.escape(line, quote=False))
        return "\n".join(lines)

    def payload(self, alert: dict) -> dict:
        payload: dict = {
            "chat_id": self.chat_id,
            "text": self.message(alert),
            "disable_web_page_preview": self.disable_web_page_preview,
        }
        if self.parse_mode:
            payload["parse_mode"] = self.parse_mode
        if self.message_thread_id is not None:
            payload["message_thread_id"] = self.message_thread_id
        return payload

    async def send(self, alert: dict, client: httpx.AsyncClient) -> None:
        response = await self._post_json(client, self._url, self.payload(alert),
                                          target=self._target)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            body = {}
        if response.is_success and body.get("ok", True) is not False:
            return
        status = response.status_code if not response.is_success else int(
            body.get("error_code") or 400)
        parameters = body.get("parameters") if isinstance(body.get("parameters"), dict) else {}
        retry_after = parameters.get("retry_after")
        if isinstance(retry_after, (int, float)):
            retry_after = max(0.0, float(retry_after))
        else:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
        detail = " ".join(str(body.get("description") or response.text).split())[:200]
        if parameters.get("migrate_to_chat_id") is not None:
            detail += f" (the group is now chat {parameters['migrate_to_chat_id']})"
        message = f"{self._label()}: HTTP {status} from {self._target}"
        if detail:
            message += f": {detail}"
        raise AlertDeliveryError(message, retryable=retryable_status(status),
                                 retry_after=retry_after, status=status)


__all__ = ["API_BASE", "TelegramAlerter"]

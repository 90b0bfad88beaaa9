"""Connector types by the name the connectors file uses, imported only when used."""

from __future__ import annotations

from importlib import import_module

from ingestors.base import Connector

#: type name -> "module:Class"
CONNECTOR_TYPES = {
    "file": "ingestors.file_replay:FileReplayConnector",
    "rss": "ingestors.rss:FeedConnector",
    "mastodon": "ingestors.mastodon:MastodonConnector",
    "mastodon_stream": "ingestors.mastodon:MastodonStreamConnector",
    "bluesky": "ingestors.bluesky:BlueskySearchConnector",
    "bluesky_jetstream": "ingestors.bluesky:JetstreamConnector",
    "telegram": "ingestors.telegram:TelegramChannelConnector",
    "reddit": "ingestors.reddit:RedditConnector",
    "x": "ingestors.x_twitter:XRecentSearchConnector",
    "http_ingest": "ingestors.http_ingest:HttpIngestConnector",
}


def connector_class(type_name: str) -> type[Connector]:
    """The class for ``type_name``; ValueError listing the known types when there is none."""
    try:
        module, _, cls = CONNECTOR_TYPES[type_name].partition(":")
    except KeyError:
        raise ValueError(f"unknown connector type {type_name!r}; known: {', '.join(sorted(CONNECTOR_TYPES))}") from None
    return getattr(import_module(module), cls)

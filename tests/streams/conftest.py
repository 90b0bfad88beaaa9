"""Fixtures for the stream tests: webhook receivers on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response


class Receiver:
    """A loopback HTTP receiver that records (monotonic time, path, JSON body) per request and
    answers from a list of responses (the last one repeats)."""

    def __init__(self, responses=None, *, path: str = "/",
                 hang: threading.Event | None = None) -> None:
        self.server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
        self.requests: list[tuple[float, str, dict]] = []
        self.responses = list(responses or [(200, {}, "ok")])
        self.hang = hang
        self.lock = threading.Lock()
        self.server.expect_request(path, method="POST").respond_with_handler(self.handle)

    def handle(self, request: Request) -> Response:
        with self.lock:
            self.requests.append((time.monotonic(), request.path, json.loads(request.data)))
            n = len(self.requests)
        if self.hang is not None:
            self.hang.wait(30)
        status, headers, body = self.responses[min(n, len(self.responses)) - 1]
        if not isinstance(body, str):
            body, headers = json.dumps(body), {**headers, "Content-Type": "application/json"}
        return Response(body, status=status, headers=headers)

    def url(self, path: str) -> str:
        return self.server.url_for(path)


@pytest.fixture
def receiver():
    """``receiver(responses, path=, hang=)``: a started :class:`Receiver`; all are stopped afterwards."""
    made: list[Receiver] = []

    def make(responses=None, *, path: str = "/", hang: threading.Event | None = None):
        r = Receiver(responses, path=path, hang=hang)
        r.server.start()
        made.append(r)
        return r

    yield make
    for r in made:
        if r.hang is not None:
            r.hang.set()
        r.server.clear()
        if r.server.is_running():
            r.server.stop()

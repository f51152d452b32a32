"""A simulated peer of the state bodies' unified EDMS (ЕСЭДО): a real HTTP server speaking the
message format of docs/exchange/esedo.md.

    python -m oqu.exchange.esedo.simulator --port 0 --api-key KEY [--inbox inbox.json]

prints the port it listens on (one line) and serves until stopped. It accepts documents
(`POST /v1/messages`), keeps them in memory (`GET /v1/messages/{id}` shows one, so tests can
check what arrived), and hands out the messages waiting for a BIN (`GET /v1/inbox?bin=…`,
`POST /v1/inbox/{id}/ack`). The optional inbox file holds {"messages": [message, …]} addressed to
the platform's organizations. Only the standard library is used; it binds to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

MAX_BODY = 20 * 1024 * 1024
REQUIRED = ("sender", "recipient", "document")


class Store:
    def __init__(self, api_key: str, inbox: list[dict[str, Any]]) -> None:
        self.api_key = api_key
        self.lock = threading.Lock()
        self.received: dict[str, dict[str, Any]] = {}
        self.inbox: dict[str, dict[str, Any]] = {}
        for message in inbox:
            self.inbox[message.get("message_id") or str(uuid.uuid4())] = message


def make_handler(store: Store) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "EsedoSimulator/1"

        def _authorized(self) -> bool:
            if store.api_key and self.headers.get("X-Api-Key") != store.api_key:
                self._send(401, {"error": "unauthorized"})
                return False
            return True

        def do_POST(self) -> None:  # noqa: N802 - the http.server naming
            if not self._authorized():
                return
            parts = [p for p in urlsplit(self.path).path.split("/") if p]
            if parts == ["v1", "messages"]:
                self._accept()
            elif len(parts) == 4 and parts[:2] == ["v1", "inbox"] and parts[3] == "ack":
                with store.lock:
                    found = store.inbox.pop(parts[2], None)
                self._send(200 if found else 404, {"acknowledged": bool(found)})
            else:
                self._send(404, {"error": "unknown_path"})

        def _accept(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length <= 0 or length > MAX_BODY:
                self._send(413, {"error": "too_large"})
                return
            try:
                message = json.loads(self.rfile.read(length))
            except ValueError:
                self._send(400, {"error": "bad_json"})
                return
            if not isinstance(message, dict) or any(k not in message for k in REQUIRED):
                self._send(422, {"error": "missing_fields"})
                return
            if not str(message["recipient"].get("bin", "")).isdigit():
                self._send(422, {"error": "recipient_bin"})
                return
            message_id = str(uuid.uuid4())
            with store.lock:
                store.received[message_id] = message
            self._send(201, {"message_id": message_id, "status": "accepted"})

        def do_GET(self) -> None:  # noqa: N802
            if not self._authorized():
                return
            url = urlsplit(self.path)
            parts = [p for p in url.path.split("/") if p]
            if parts == ["v1", "inbox"]:
                bin_ = (parse_qs(url.query).get("bin") or [""])[0]
                with store.lock:
                    waiting = [
                        {"message_id": key, **m}
                        for key, m in store.inbox.items()
                        if str(m.get("recipient", {}).get("bin")) == bin_
                    ]
                self._send(200, {"messages": waiting})
            elif len(parts) == 3 and parts[:2] == ["v1", "messages"] and parts[2] in store.received:
                self._send(200, store.received[parts[2]])
            else:
                self._send(404, {"error": "unknown_path"})

        def _send(self, status: int, body: dict[str, Any]) -> None:
            payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--api-key", default="")
    parser.add_argument("--inbox", default="", help="JSON file with messages waiting for us")
    args = parser.parse_args(argv)
    inbox = (
        json.loads(Path(args.inbox).read_text(encoding="utf-8"))["messages"] if args.inbox else []
    )
    server = ThreadingHTTPServer((args.host, args.port), make_handler(Store(args.api_key, inbox)))
    sys.stdout.write(f"{server.server_address[1]}\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()

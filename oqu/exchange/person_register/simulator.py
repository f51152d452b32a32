"""A simulated state person register: a real HTTP server speaking the documented message format.

    python -m oqu.exchange.person_register.simulator --port 0 --data register.json

prints the port it listens on (one line) and serves until stopped. The data file:

    {"api_key": "…", "persons": [{"iin": "…", "last_name": "…", "first_name": "…",
      "middle_name": "…", "birth_date": "2015-03-04", "sex": "M",
      "address": {"kato": "751110000", "text": "…"},
      "representatives": [{"iin": "…", "kind": "mother", "since": "2015-03-04"}]}]}

Only the standard library is used, so the peer starts in a fraction of a second and needs no
Django settings. It binds to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

PERSON_FIELDS = ("iin", "last_name", "first_name", "middle_name", "birth_date", "sex", "address")


class RegisterData:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.api_key = str(raw.get("api_key") or "")
        self.delay = float(raw.get("delay_seconds") or 0)
        self.persons = {str(p["iin"]): p for p in raw.get("persons", [])}


def make_handler(data: RegisterData) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "PersonRegisterSimulator/1"

        def do_GET(self) -> None:  # noqa: N802 - the http.server naming
            if data.delay:
                time.sleep(data.delay)
            if data.api_key and self.headers.get("X-Api-Key") != data.api_key:
                self._send(401, {"error": "unauthorized"})
                return
            parts = [p for p in self.path.split("?")[0].split("/") if p]
            if len(parts) < 3 or parts[:2] != ["v1", "persons"] or len(parts) > 4:
                self._send(404, {"error": "unknown_path"})
                return
            person = data.persons.get(parts[2])
            if person is None:
                self._send(404, {"error": "person_not_found"})
                return
            if len(parts) == 3:
                self._send(200, {k: person.get(k) for k in PERSON_FIELDS})
            elif parts[3] == "relations":
                reps = person.get("representatives", [])
                self._send(200, {"iin": person["iin"], "representatives": reps})
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
            return  # quiet: tests read the port from stdout

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--data", required=True, help="JSON file with the register's persons")
    args = parser.parse_args(argv)
    data = RegisterData(json.loads(Path(args.data).read_text(encoding="utf-8")))
    server = ThreadingHTTPServer((args.host, args.port), make_handler(data))
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

"""HTTP JSON client of the state bodies' unified EDMS, ЕСЭДО (message format: docs/exchange/esedo.md).

Every failure of the peer — not configured, unreachable, slow, refusing our key, answering
something we cannot read — becomes `EsedoUnavailable` with a short reason code; callers record it
and never let it become a server error.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings

API_KEY_HEADER = "X-Api-Key"
MAX_RESPONSE_BYTES = 50 * 1024 * 1024
FORMAT_VERSION = "oqu-esedo/1"


class EsedoUnavailable(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class EsedoFile:
    name: str
    content: bytes


@dataclass(frozen=True)
class EsedoSignature:
    """A CMS signature and the exact bytes it signs (the sender's canonical content)."""

    content: bytes
    cms: bytes


@dataclass(frozen=True)
class EsedoMessage:
    message_id: str
    sender_bin: str
    sender_name: str
    recipient_bin: str
    number: str
    date: str
    title: str
    body: str
    files: tuple[EsedoFile, ...]
    signatures: tuple[EsedoSignature, ...] = ()


def build_message(
    *,
    sender_bin: str,
    sender_name: str,
    recipient_bin: str,
    number: str,
    date: str,
    title: str,
    body: str,
    content_sha256: str,
    files: list[EsedoFile],
    signatures: list[EsedoSignature] | None = None,
) -> dict[str, Any]:
    """The JSON of one outgoing document in the documented format."""
    return {
        "format": FORMAT_VERSION,
        "sender": {"bin": sender_bin, "name": sender_name},
        "recipient": {"bin": recipient_bin},
        "document": {
            "number": number,
            "date": date,
            "title": title,
            "body": body,
            "content_sha256": content_sha256,
            "files": [
                {"name": f.name, "content_base64": base64.b64encode(f.content).decode("ascii")}
                for f in files
            ],
            "signatures": [
                {"content_base64": _b64(s.content), "cms_base64": _b64(s.cms)}
                for s in signatures or []
            ],
        },
    }


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def parse_message(raw: dict[str, Any]) -> EsedoMessage:
    document = raw["document"]
    files = tuple(
        EsedoFile(name=str(f["name"]), content=base64.b64decode(f["content_base64"], validate=True))
        for f in document.get("files", [])
    )
    signatures = tuple(
        EsedoSignature(
            content=base64.b64decode(s["content_base64"], validate=True),
            cms=base64.b64decode(s["cms_base64"], validate=True),
        )
        for s in document.get("signatures", [])
    )
    return EsedoMessage(
        message_id=str(raw["message_id"]),
        sender_bin=str(raw["sender"].get("bin", "")),
        sender_name=str(raw["sender"].get("name", "")),
        recipient_bin=str(raw["recipient"]["bin"]),
        number=str(document.get("number", "")),
        date=str(document.get("date", "")),
        title=str(document["title"]),
        body=str(document.get("body", "")),
        files=files,
        signatures=signatures,
    )


class EsedoClient:
    def __init__(self, *, base_url: str, api_key: str = "", timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> EsedoClient:
        return cls(
            base_url=getattr(settings, "OQU_ESEDO_URL", ""),
            api_key=getattr(settings, "OQU_ESEDO_API_KEY", ""),
            timeout=float(getattr(settings, "OQU_ESEDO_TIMEOUT", 10.0)),
        )

    def send(self, message: dict[str, Any]) -> str:
        """Deliver one document; the peer's message id."""
        answer = self._call("POST", "/v1/messages", message)
        message_id = answer.get("message_id")
        if not isinstance(message_id, str) or not message_id:
            raise EsedoUnavailable("bad_response")
        return message_id

    def inbox(self, recipient_bin: str) -> list[EsedoMessage]:
        answer = self._call("GET", f"/v1/inbox?bin={quote(recipient_bin, safe='')}")
        try:
            return [parse_message(m) for m in answer["messages"]]
        except (KeyError, TypeError, ValueError):
            raise EsedoUnavailable("bad_response") from None

    def acknowledge(self, message_id: str) -> None:
        self._call("POST", f"/v1/inbox/{quote(message_id, safe='')}/ack", {})

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        if not self.base_url or urlsplit(self.base_url).scheme not in ("http", "https"):
            raise EsedoUnavailable("not_configured")
        data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            self.base_url + path,
            data=data,
            headers={
                "Accept": "application/json",
                "Content-Type": "application/json; charset=utf-8",
                API_KEY_HEADER: self.api_key,
            },
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as error:
            raise EsedoUnavailable(
                "refused" if error.code in (401, 403) else f"http_{error.code}"
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError):
            raise EsedoUnavailable("unreachable") from None
        if len(raw) > MAX_RESPONSE_BYTES:
            raise EsedoUnavailable("bad_response")
        try:
            answer = json.loads(raw)
        except ValueError:
            raise EsedoUnavailable("bad_response") from None
        if not isinstance(answer, dict):
            raise EsedoUnavailable("bad_response")
        return answer

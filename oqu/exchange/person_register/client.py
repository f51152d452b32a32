"""HTTP JSON client of the state person register (message format: docs/exchange/person_register.md).

Every failure of the peer — not configured, unreachable, slow, refusing our key, answering
something we cannot read — becomes `RegisterUnavailable` with a short reason code. Callers treat
it as "no answer now", never as a match or a mismatch, and never let it become a server error.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings

from .schemas import RELATION_KINDS, RegisteredAddress, RegisterPerson, RegisterRelation, Relations

API_KEY_HEADER = "X-Api-Key"
MAX_RESPONSE_BYTES = 256 * 1024  # a person or a relations list is a few hundred bytes


class RegisterUnavailable(Exception):
    """The register gave no usable answer; `reason` is a short code for the journal."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class PersonRegisterClient:
    def __init__(self, *, base_url: str, api_key: str = "", timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> PersonRegisterClient:
        return cls(
            base_url=getattr(settings, "OQU_PERSON_REGISTER_URL", ""),
            api_key=getattr(settings, "OQU_PERSON_REGISTER_API_KEY", ""),
            timeout=float(getattr(settings, "OQU_PERSON_REGISTER_TIMEOUT", 5.0)),
        )

    # -- operations -------------------------------------------------------------------------

    def person_lookup(self, iin: str) -> RegisterPerson | None:
        """The person with `iin`, or None when the register does not know the number."""
        data = self._get(f"/v1/persons/{quote(iin, safe='')}")
        if data is None:
            return None
        try:
            return _person_from(data)
        except (KeyError, TypeError, ValueError):
            raise RegisterUnavailable("bad_response") from None

    def person_relations(self, iin: str) -> Relations | None:
        """The parents and legal representatives of `iin`, or None when the person is unknown."""
        data = self._get(f"/v1/persons/{quote(iin, safe='')}/relations")
        if data is None:
            return None
        try:
            return _relations_from(data)
        except (KeyError, TypeError, ValueError):
            raise RegisterUnavailable("bad_response") from None

    # -- transport ---------------------------------------------------------------------------

    def _get(self, path: str) -> dict[str, Any] | None:
        if not self.base_url or urlsplit(self.base_url).scheme not in ("http", "https"):
            raise RegisterUnavailable("not_configured")
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            self.base_url + path,
            headers={"Accept": "application/json", API_KEY_HEADER: self.api_key},
            method="GET",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            reason = "unauthorized" if exc.code in (401, 403) else f"http_{exc.code}"
            raise RegisterUnavailable(reason) from None
        except TimeoutError:
            raise RegisterUnavailable("timeout") from None
        except (urllib.error.URLError, OSError):
            raise RegisterUnavailable("unreachable") from None
        if len(body) > MAX_RESPONSE_BYTES:
            raise RegisterUnavailable("bad_response")
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise RegisterUnavailable("bad_response") from None
        if not isinstance(data, dict):
            raise RegisterUnavailable("bad_response")
        return data


def _person_from(data: dict[str, Any]) -> RegisterPerson:
    sex = str(data["sex"])
    if sex not in ("M", "F"):
        raise ValueError(sex)
    address = data.get("address")
    return RegisterPerson(
        iin=str(data["iin"]),
        last_name=str(data["last_name"]),
        first_name=str(data["first_name"]),
        middle_name=str(data.get("middle_name") or ""),
        birth_date=dt.date.fromisoformat(str(data["birth_date"])),
        sex=sex,
        address=(
            RegisteredAddress(kato=str(address["kato"]), text=str(address.get("text") or ""))
            if isinstance(address, dict)
            else None
        ),
    )


def _relations_from(data: dict[str, Any]) -> Relations:
    rows = data["representatives"]
    if not isinstance(rows, list):
        raise TypeError("representatives")
    representatives = []
    for row in rows:
        kind = str(row["kind"])
        if kind not in RELATION_KINDS:
            continue  # a kind we do not model (e.g. a foster family) never matches a request
        since = row.get("since")
        representatives.append(
            RegisterRelation(
                iin=str(row["iin"]),
                kind=kind,
                since=dt.date.fromisoformat(since) if since else None,
            )
        )
    return Relations(iin=str(data["iin"]), representatives=tuple(representatives))

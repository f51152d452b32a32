"""The manifest of the installed files and its comparison with the tree (G-5.17). No database.

The manifest lists the SHA-256 of every installed code and configuration file under the root:
the `oqu` package's Python sources (settings included), templates and static files, compiled
translations, `manage.py`, `pyproject.toml`, `.env` when there is one, the requirements and the scripts. Optionally it carries an HMAC-SHA256
over its content, keyed by a secret held outside the tree (`OQU_INTEGRITY_KEY`): whoever can
rewrite files but does not hold the key cannot produce a manifest that matches their change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST_FORMAT = 1
# Relative glob patterns of what is installed; directories named in SKIPPED_DIRS never count.
PATTERNS = (
    "manage.py",
    "pyproject.toml",
    ".env",
    "oqu/**/*.py",
    "oqu/**/templates/**/*",
    "oqu/**/static/**/*",
    "locale/**/*.mo",
    "requirements/*.lock",
    "requirements/*.in",
    "scripts/*",
)
SKIPPED_DIRS = frozenset({"__pycache__", ".venv", "node_modules", ".git"})
BLOCK = 1 << 20


class ManifestError(Exception):
    """The manifest is missing, unreadable or fails its HMAC."""

    def __init__(self, result: str, message: str) -> None:
        super().__init__(message)
        self.result = result


@dataclass
class Comparison:
    files_checked: int
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    manifest_created_at: dt.datetime | None = None
    authenticated: bool = False

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.added)


def installed_files(root: Path) -> list[str]:
    """The files the manifest covers, as sorted POSIX paths relative to `root`."""
    found: set[str] = set()
    for pattern in PATTERNS:
        for path in root.glob(pattern):
            relative = path.relative_to(root)
            if path.is_file() and not SKIPPED_DIRS.intersection(relative.parts[:-1]):
                found.add(relative.as_posix())
    return sorted(found)


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def hashes(root: Path) -> dict[str, str]:
    return {name: file_hash(root / name) for name in installed_files(root)}


def _signed_content(manifest: dict[str, Any]) -> bytes:
    content = {k: manifest[k] for k in ("format", "created_at", "files")}
    return json.dumps(content, sort_keys=True, separators=(",", ":")).encode()


def sign(manifest: dict[str, Any], key: str) -> str:
    return hmac.new(key.encode(), _signed_content(manifest), hashlib.sha256).hexdigest()


def build_manifest(root: Path, *, key: str = "", now: dt.datetime | None = None) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "created_at": (now or dt.datetime.now(dt.UTC)).isoformat(),
        "files": hashes(root),
    }
    manifest["hmac"] = sign(manifest, key) if key else None
    return manifest


def write_manifest(manifest: dict[str, Any], path: Path) -> None:
    """Write atomically (a temporary file renamed over the old one), readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    temporary.chmod(0o600)
    temporary.replace(path)


def load_manifest(path: Path, *, key: str = "") -> tuple[dict[str, Any], bool]:
    """The manifest and whether its HMAC was verified; ManifestError when it cannot be trusted.

    With a key, an unsigned manifest or a wrong HMAC is refused. Without a key the manifest is used
    as it is (not authenticated).
    """
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError("no_manifest", f"no manifest at {path}") from None
    except (OSError, ValueError) as error:
        raise ManifestError("manifest_invalid", f"manifest unreadable: {error}") from None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != MANIFEST_FORMAT
        or not isinstance(manifest.get("files"), dict)
        or not isinstance(manifest.get("created_at"), str)
    ):
        raise ManifestError("manifest_invalid", "manifest has an unknown format")
    if not key:
        return manifest, False
    signature = manifest.get("hmac")
    if not isinstance(signature, str) or not hmac.compare_digest(signature, sign(manifest, key)):
        raise ManifestError("manifest_tampered", "the manifest's HMAC does not match")
    return manifest, True


def compare(root: Path, manifest_path: Path, *, key: str = "") -> Comparison:
    """Compare the tree under `root` with the manifest; ManifestError if it cannot be trusted."""
    manifest, authenticated = load_manifest(manifest_path, key=key)
    expected: dict[str, str] = manifest["files"]
    current = hashes(root)
    try:
        created_at = dt.datetime.fromisoformat(manifest["created_at"])
    except ValueError:
        created_at = None
    return Comparison(
        files_checked=len(current),
        changed=sorted(n for n in current.keys() & expected.keys() if current[n] != expected[n]),
        missing=sorted(expected.keys() - current.keys()),
        added=sorted(current.keys() - expected.keys()),
        manifest_created_at=created_at,
        authenticated=authenticated,
    )

"""The conformance map names every requirement of the catalogue kept in docs/requirements.md."""

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
ID_ROW = re.compile(
    r"^\| ((?:G|R503|PRE|SEC|TVET|ADD|DER|EDMS|ACC|HSC|MON|MAP)-[A-Za-z0-9./–-]+) \|", re.M
)
ID_BOLD = re.compile(r"\*\*(MAP-(?:SVC|AI|INT|KPI)-[0-9S]+)\*\*")
STATUS_ROW = re.compile(
    r"^\| `?([A-Z0-9][A-Za-z0-9./–-]*)`? \| (done|partial|not started) \|", re.M
)


def catalogue_ids() -> set[str]:
    text = (DOCS / "requirements.md").read_text(encoding="utf-8")
    return set(ID_ROW.findall(text)) | set(ID_BOLD.findall(text))


def test_conformance_lists_every_requirement_id_with_a_status():
    mapped = dict(STATUS_ROW.findall((DOCS / "conformance.md").read_text(encoding="utf-8")))
    missing = sorted(catalogue_ids() - set(mapped))
    assert len(catalogue_ids()) > 300
    assert missing == []


def test_conformance_has_one_row_per_requirement_id():
    """Two rows for one ID (e.g. an old status left beside the new one) would contradict each other."""
    rows = [i for i, _status in STATUS_ROW.findall((DOCS / "conformance.md").read_text("utf-8"))]
    duplicates = sorted({i for i in rows if rows.count(i) > 1})
    assert duplicates == []

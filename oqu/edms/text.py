"""Text for search: extracted from PDF (pypdf) and text attachments at upload, normalized."""

from __future__ import annotations

import io
import logging
import re

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 200_000  # a long contract is ~100k characters; bounds the search column
MAX_PAGES = 200
_SPACES = re.compile(r"\s+")


def normalize(value: str) -> str:
    return _SPACES.sub(" ", value or "").strip()[:MAX_TEXT_CHARS]


def extract(content: bytes, content_type: str) -> str:
    """The words of a PDF's pages or of a text file; nothing for images and office files.

    A PDF that pypdf cannot read (damaged, encrypted) gives no text rather than an error: the
    file is still a valid attachment, it only cannot be found by its words.
    """
    if content_type == "text/plain":
        return normalize(content.decode("utf-8", errors="replace"))
    if content_type != "application/pdf":
        return ""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            return ""
        parts = []
        for page in reader.pages[:MAX_PAGES]:
            parts.append(page.extract_text() or "")
            if sum(map(len, parts)) > MAX_TEXT_CHARS:
                break
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        logger.info("no text extracted from a PDF attachment: %s", error)
        return ""
    return normalize(" ".join(parts))

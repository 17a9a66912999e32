"""Stable identifiers: the same input always gets the same ids, through every entry point."""

from __future__ import annotations

import hashlib

_ID_CHARS = 16  # 64 bits of SHA-256, as lowercase hex


def stable_id(*parts: object) -> str:
    """A short hex id derived from the parts (joined with a separator that cannot occur in them)."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:_ID_CHARS]


def article_id(source_file: str, content_sha256: str) -> str:
    """Id of an article: its path relative to the input folder plus its content hash.

    The same file always gets the same id; two copies at different paths get two ids.
    """
    return stable_id("article", source_file, content_sha256)

"""Duplicate articles: each copy points at its original (`duplicate_of`); events come from the original.

Two kinds are found:
- exact duplicates, by a hash of the cleaned text (copies that differ only in encoding, whitespace
  or page chrome);
- near-duplicates, the same story republished with small edits: MinHash signatures (datasketch)
  of the body's word 3-gram shingles, candidate pairs from locality-sensitive hashing over bands
  of the signature (so the cost stays near-linear in the number of articles), each candidate
  confirmed by the exact Jaccard similarity of the shingle sets.

Across batches, the band keys and text hashes of each batch's originals are kept (`signatures`,
stored by the run under `state/signatures/`); a later batch joins its band keys with them, so a
republication arriving weeks later still points at the original.

The original of a group is the copy already processed in an earlier run (`earlier`), else the one
whose path sorts first, so the same input always gives the same tables.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from pipeline.clean import Article

SHINGLE_WORDS = 3
NUM_PERM = 126
#: LSH banding of the MinHash signature: 42 bands of 3 values. A pair of Jaccard similarity J
#: shares a band with probability 1 - (1 - J^3)^42: 0.996 at J = 0.5, 0.04 at J = 0.1.
BANDS, ROWS = 42, 3
#: Shingle-set Jaccard similarity above which two bodies are the same story. On the corpus of
#: `evaluation/dedup.py` republications with up to one word in 20 replaced stay above 0.5, while
#: different stories on one topic stay below 0.03.
NEAR_THRESHOLD = 0.5
#: Bodies with fewer shingles than this are compared only for exact equality.
MIN_SHINGLES = 8
_WORD = re.compile(r"\w+")
_SEED = 1

SIGNATURE_SCHEMA = {"article_id": pl.String, "text_sha256": pl.String, "bands": pl.List(pl.Int64)}


def text_hash(article: Article) -> str:
    return hashlib.sha256(article.text.encode("utf-8")).hexdigest()


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    """Lower-cased word k-grams of a text."""
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + k]) for i in range(max(0, len(words) - k + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def band_keys(sets: list[set[str]]) -> list[list[int]]:
    """The LSH band keys of each shingle set (none for sets too small to compare)."""
    out: list[list[int]] = [[] for _ in sets]
    eligible = [i for i, s in enumerate(sets) if len(s) >= MIN_SHINGLES]
    if not eligible:
        return out
    # Imported here: datasketch imports scipy (0.6 s), which a run that compares nothing, and
    # every worker process that imports this module's callers, should not wait for.
    from datasketch import MinHash

    signatures = MinHash.bulk(
        [[s.encode("utf-8") for s in sets[i]] for i in eligible], num_perm=NUM_PERM, seed=_SEED
    )
    for i, sig in zip(eligible, signatures, strict=True):
        values = np.asarray(sig.hashvalues, dtype=np.uint64).reshape(BANDS, ROWS)
        out[i] = [
            int.from_bytes(
                hashlib.blake2b(bytes([b]) + row.tobytes(), digest_size=8).digest(), "big", signed=True
            )
            for b, row in enumerate(values)
        ]
    return out


@dataclass
class Prior:
    """The originals of earlier batches, as far as finding copies of them needs: cleaned-text
    hashes, LSH band keys, and a way to fetch their bodies for confirmation."""

    signatures: pl.DataFrame  # SIGNATURE_SCHEMA
    bodies: Callable[[list[str]], dict[str, str]]

    @classmethod
    def empty(cls) -> Prior:
        return cls(pl.DataFrame(schema=SIGNATURE_SCHEMA), lambda ids: {})


def with_bands(articles: list[Article]) -> list[Article]:
    """The articles with their LSH band keys (`Article.bands`) computed where missing. The
    workers do this as they clean, so the process that marks duplicates does not."""
    todo = [i for i, a in enumerate(articles) if a.bands is None]
    if not todo:
        return articles
    keys = band_keys([shingles(articles[i].body) for i in todo])
    out = list(articles)
    for i, k in zip(todo, keys, strict=True):
        out[i] = replace(articles[i], bands=k)
    return out


def signatures(articles: list[Article]) -> pl.DataFrame:
    """What later batches need to recognise copies of these articles' originals."""
    originals = with_bands([a for a in articles if a.duplicate_of is None])
    return pl.DataFrame(
        {
            "article_id": [a.article_id for a in originals],
            "text_sha256": [text_hash(a) for a in originals],
            "bands": [a.bands for a in originals],
        },
        schema=SIGNATURE_SCHEMA,
    )


def mark_duplicates(
    articles: list[Article], earlier: Iterable[str] = (), prior: Prior | None = None
) -> list[Article]:
    """Articles with `duplicate_of` set on every exact or near copy.

    `prior` holds the originals of earlier batches: a copy of one of them points at it, whatever
    its path. Within the articles given, `earlier` holds the ids of articles that were originals in
    an earlier run (they stay originals when a copy arrives), else the path that sorts first wins.
    """
    ordered = with_bands(sorted(articles, key=lambda a: a.source_file))
    hashes = [text_hash(a) for a in ordered]
    earlier = set(earlier)
    # Rank: originals of earlier runs first, then by path.
    rank = sorted(
        range(len(ordered)), key=lambda i: (ordered[i].article_id not in earlier, ordered[i].source_file)
    )
    position = {i: r for r, i in enumerate(rank)}
    parent = list(range(len(ordered)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:  # the better-ranked root stays the original
            keep, drop = (ri, rj) if position[ri] < position[rj] else (rj, ri)
            parent[drop] = keep

    first_of_hash: dict[str, int] = {}
    for i, h in enumerate(hashes):
        if h in first_of_hash:
            union(first_of_hash[h], i)
        else:
            first_of_hash[h] = i

    sets = [shingles(a.body) for a in ordered]
    keys = [a.bands or [] for a in ordered]
    for i, j in _confirmed_pairs(sets, keys):
        union(i, j)

    earlier_original = _prior_originals(ordered, hashes, sets, keys, prior) if prior is not None else {}
    out = []
    for i, article in enumerate(ordered):
        root = find(i)
        original = earlier_original.get(root) or (None if root == i else ordered[root].article_id)
        out.append(replace(article, duplicate_of=original))
    return out


def _prior_originals(
    ordered: list[Article], hashes: list[str], sets: list[set[str]], keys: list[list[int]], prior: Prior
) -> dict[int, str]:
    """For articles that copy an original of an earlier batch: index -> that original's id."""
    found: dict[int, str] = {}
    sigs = prior.signatures
    if not sigs.height:
        return found
    by_text = dict(zip(sigs["text_sha256"].to_list(), sigs["article_id"].to_list(), strict=True))
    for i, h in enumerate(hashes):
        if h in by_text:
            found[i] = by_text[h]
    new = pl.DataFrame(
        {"i": list(range(len(keys))), "band": keys}, schema={"i": pl.Int64, "band": pl.List(pl.Int64)}
    )
    stored = sigs.select("article_id", pl.col("bands").alias("band")).explode("band")
    candidates = (
        new.explode("band")
        .drop_nulls("band")
        .join(stored, on="band")
        .select("i", "article_id")
        .unique()
        .filter(~pl.col("i").is_in(list(found)))
    )
    if not candidates.height:
        return found
    bodies = prior.bodies(candidates["article_id"].unique().to_list())
    best: dict[int, tuple[float, str]] = {}
    for i, other in candidates.iter_rows():
        body = bodies.get(other)
        if body is None:
            continue
        score = jaccard(sets[i], shingles(body))
        if score >= NEAR_THRESHOLD and (i not in best or (score, other) > best[i]):
            best[i] = (score, other)
    found.update({i: other for i, (_, other) in best.items()})
    return found


def _confirmed_pairs(sets: list[set[str]], keys: list[list[int]], threshold: float = NEAR_THRESHOLD):
    """Index pairs (i < j) sharing an LSH band whose shingle sets have Jaccard >= threshold."""
    buckets: dict[int, list[int]] = {}
    for i, ks in enumerate(keys):
        for k in ks:
            buckets.setdefault(k, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = members[x], members[y]
                if (a, b) not in pairs and jaccard(sets[a], sets[b]) >= threshold:
                    pairs.add((a, b))
    return sorted(pairs)


def near_duplicate_pairs(texts: list[str], threshold: float = NEAR_THRESHOLD) -> list[tuple[int, int]]:
    """Index pairs (i < j) of texts whose shingle sets have Jaccard similarity >= threshold."""
    sets = [shingles(t) for t in texts]
    return _confirmed_pairs(sets, band_keys(sets), threshold)

"""Duplicate articles: each copy points at its original (`duplicate_of`); events come from the original.

Two kinds are found:
- exact duplicates, by a hash of the cleaned text (copies that differ only in encoding, whitespace
  or page chrome);
- near-duplicates, the same story republished with small edits: MinHash signatures of the body's
  word 3-gram shingles, candidate pairs from locality-sensitive hashing (datasketch's MinHashLSH,
  so the cost stays near-linear in the number of articles), each candidate confirmed by the exact
  Jaccard similarity of the shingle sets.

The original of a group is the copy already processed in an earlier run (`earlier`), else the one
whose path sorts first, so the same input always gives the same tables.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import replace

from datasketch import MinHash, MinHashLSH

from pipeline.clean import Article

SHINGLE_WORDS = 3
NUM_PERM = 128
#: Shingle-set Jaccard similarity above which two bodies are the same story. On the corpus of
#: `evaluation/dedup.py` republications with up to one word in 20 replaced stay above 0.5, while
#: different stories on one topic stay below 0.03.
NEAR_THRESHOLD = 0.5
#: Bodies with fewer shingles than this are compared only for exact equality.
MIN_SHINGLES = 8
_WORD = re.compile(r"\w+")
_SEED = 1


def text_hash(article: Article) -> str:
    return hashlib.sha256(article.text.encode("utf-8")).hexdigest()


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    """Lower-cased word k-grams of a text."""
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + k]) for i in range(max(0, len(words) - k + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def mark_duplicates(articles: list[Article], earlier: Iterable[str] = ()) -> list[Article]:
    """Articles with `duplicate_of` set on every exact or near copy.

    `earlier` holds the ids of articles that were originals in an earlier run: such an article stays
    the original when a copy arrives later. (An earlier original no longer in the input is no
    longer an article, so nothing points at it.)
    """
    ordered = sorted(articles, key=lambda a: a.source_file)
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

    for i, j in near_duplicate_pairs([a.body for a in ordered]):
        union(i, j)

    return [
        replace(article, duplicate_of=None if find(i) == i else ordered[find(i)].article_id)
        for i, article in enumerate(ordered)
    ]


def near_duplicate_pairs(texts: list[str], threshold: float = NEAR_THRESHOLD) -> list[tuple[int, int]]:
    """Index pairs (i < j) of texts whose shingle sets have Jaccard similarity >= threshold."""
    sets = [shingles(t) for t in texts]
    eligible = [i for i, s in enumerate(sets) if len(s) >= MIN_SHINGLES]
    if len(eligible) < 2:
        return []
    lsh = MinHashLSH(threshold=max(0.3, threshold - 0.15), num_perm=NUM_PERM)
    signatures = MinHash.bulk(
        [[s.encode("utf-8") for s in sets[i]] for i in eligible], num_perm=NUM_PERM, seed=_SEED
    )
    pairs: set[tuple[int, int]] = set()
    for i, sig in zip(eligible, signatures, strict=True):
        for j in lsh.query(sig):
            a, b = (j, i) if j < i else (i, j)
            if jaccard(sets[a], sets[b]) >= threshold:
                pairs.add((a, b))
        lsh.insert(i, sig)
    return sorted(pairs)

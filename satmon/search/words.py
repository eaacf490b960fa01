"""Words of a search query and of a searchable text, split the way FTS5 splits them.

The embedded index tokenizes with FTS5's `unicode61 remove_diacritics 2`: a
token is a run of letters and digits, lowercased, with diacritics removed, and
everything else (hyphens, underscores, punctuation) separates tokens. So
`SAT-001` is the tokens `sat 001`, and `battery_voltage` is `battery voltage`.
`tokens()` does the same in Python, so an index that cannot run that tokenizer
(Elasticsearch, whose minimal build lacks the analysis modules) can store and
query pre-split text and still match exactly what FTS5 matches.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from satmon.errors import InvalidRequestError

# A run of word characters other than the underscore: letters and digits.
_TOKEN = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    """The lowercase, diacritic-free runs of letters and digits in `text`."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _TOKEN.findall(bare.lower())


@dataclass(frozen=True, slots=True)
class QueryWord:
    """One word of a query: its tokens must appear in sequence; with `prefix`, the
    last one only has to start the indexed token."""

    tokens: tuple[str, ...]
    prefix: bool


def query_words(query: str) -> list[QueryWord]:
    """The words of a plain-words query, as FTS5 reads each quoted word: a trailing *
    makes a prefix, and a word without a letter or digit is dropped (nothing could
    match it). Raises InvalidRequestError("q") on an empty query."""
    words = query.replace("\x00", " ").split()
    if not words:
        raise InvalidRequestError("q", "the query is empty")
    found = []
    for word in words:
        core = word.rstrip("*")
        parts = tokens(core)
        if parts:
            found.append(QueryWord(tuple(parts), prefix=core != word))
    return found

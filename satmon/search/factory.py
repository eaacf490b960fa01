"""Which search index a process gets: Elasticsearch when ELASTICSEARCH_URL is set, else
SQLite FTS5 in the data directory."""

from __future__ import annotations

from satmon.config import Settings
from satmon.search.base import SearchIndex
from satmon.search.elastic import ElasticsearchIndex
from satmon.search.fts import FtsSearchIndex


def open_search(settings: Settings) -> SearchIndex:
    if settings.elasticsearch_url:
        return ElasticsearchIndex(settings.elasticsearch_url, index=settings.search_index)
    return FtsSearchIndex(settings.search_path)

"""The real search index: Elasticsearch 8, through the official Python client.

One index (default `satmon-jobs`) holds one document per job, with the job id as
the document id, so indexing a job again replaces it. Opening the adapter puts
an index template with explicit mappings (keyword ids and labels, dates, the
score, and the searchable `text`) and creates the index from it.

Search matches what the embedded FTS5 index matches (satmon.search.words):
`text` is stored already split into FTS5's tokens and indexed with the
`whitespace` analyzer, one of the few analyzers every Elasticsearch build has.
Each query word becomes a phrase query on its tokens (a prefix phrase if it ends
in *), all of them required, built from the words and never handed to a query
parser, so no user input is read as query syntax. `index_prefixes` makes prefix
words exact term lookups instead of a bounded expansion.

Refresh: a finished job becomes searchable at the index's next refresh, which
the template schedules every second. It sets the interval explicitly because an
index left at the default stops refreshing while nobody searches it. `index()`
itself does not wait for that refresh (`refresh=false`): the worker that finishes
a job would block for up to a second per job (measured: 1.0 s per call with
`wait_for`, 25 ms without), and nothing it does next depends on the job being
searchable, since the job is already final in the results store. `refresh=true`
would make the job searchable at once, at the price of a new segment per call,
which at a few jobs per second becomes merge load on the cluster. A caller that
must read its own writes (tests, a reindexing command) passes `refresh="wait_for"`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Literal

import elasticsearch
from elasticsearch import Elasticsearch

from satmon.config import mask_url
from satmon.errors import InvalidRequestError, ServiceUnavailableError
from satmon.search.base import JobDocument, SearchHit, SearchResults
from satmon.search.words import QueryWord, query_words, tokens

DEFAULT_INDEX = "satmon-jobs"
# Elasticsearch's default index.max_result_window: from + size may not exceed it.
MAX_RESULT_WINDOW = 10_000
BULK_CHUNK = 500
# Bounds the expansion of a prefix longer than index_prefixes covers (19 chars).
MAX_PREFIX_EXPANSIONS = 1024

_INDEX_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,199}$")

Refresh = Literal["wait_for", "true", "false"]


def index_template(index: str) -> dict[str, Any]:
    """The body of the index template that creates `index`."""
    keyword = {"type": "keyword"}
    return {
        "index_patterns": [index],
        # Above the built-in templates, so no catch-all pattern can shadow ours.
        "priority": 500,
        "template": {
            "settings": {
                "number_of_shards": 1,
                # No replica on a single node (green, not yellow); one once there are two.
                "auto_expand_replicas": "0-1",
                "refresh_interval": "1s",
            },
            "mappings": {
                "dynamic": "strict",
                "properties": {
                    "job_id": keyword,
                    "satellite_id": keyword,
                    "source": keyword,
                    "trigger_reason": keyword,
                    "status": keyword,
                    "model_name": keyword,
                    "anomalous_subsystems": keyword,
                    "anomaly_channels": keyword,
                    "created_at": {"type": "date"},
                    "completed_at": {"type": "date"},
                    "max_anomaly_score": {"type": "double"},
                    "error_message": {"type": "text", "index": False},
                    "text": {
                        "type": "text",
                        "analyzer": "whitespace",
                        "index_prefixes": {"min_chars": 1, "max_chars": 19},
                    },
                },
            },
        },
        "_meta": {"managed_by": "satmon"},
    }


def search_query(
    words: Sequence[QueryWord], satellite_id: str | None, status: str | None
) -> dict[str, Any]:
    """Every word required, as a phrase of its tokens; the filters do not score."""
    must: list[dict[str, Any]] = []
    for word in words:
        phrase: dict[str, Any] = {"query": " ".join(word.tokens), "analyzer": "whitespace"}
        if word.prefix:
            phrase["max_expansions"] = MAX_PREFIX_EXPANSIONS
            must.append({"match_phrase_prefix": {"text": phrase}})
        else:
            must.append({"match_phrase": {"text": phrase}})
    filters: list[dict[str, Any]] = []
    if satellite_id is not None:
        filters.append({"term": {"satellite_id": satellite_id}})
    if status is not None:
        filters.append({"term": {"status": status}})
    return {"bool": {"must": must, "filter": filters}}


class ElasticsearchIndex:
    """`SearchIndex` on the Elasticsearch cluster at `url`, in the index `index`.

    Opening puts the template and creates the index, raising ServiceUnavailableError
    if the cluster cannot be reached. `refresh` is the bulk requests' refresh policy
    (see the module's docstring)."""

    name = "elasticsearch"

    def __init__(
        self,
        url: str,
        *,
        index: str = DEFAULT_INDEX,
        refresh: Refresh = "false",
        request_timeout_s: float = 10.0,
        ready_timeout_s: float = 2.0,
    ) -> None:
        if not _INDEX_NAME.match(index):
            raise ValueError(f"{index!r} is not a valid Elasticsearch index name")
        self.url = mask_url(url)
        self.index_name = index
        self._refresh = refresh
        self._ready_timeout_s = ready_timeout_s
        self._client = Elasticsearch(
            url, request_timeout=request_timeout_s, max_retries=1, retry_on_timeout=False
        )
        try:
            self._ensure_index()
        except BaseException:
            self._client.close()
            raise

    def index(self, documents: Sequence[JobDocument]) -> None:
        for start in range(0, len(documents), BULK_CHUNK):
            chunk = documents[start : start + BULK_CHUNK]
            operations: list[Mapping[str, Any]] = []
            for doc in chunk:
                operations.append({"index": {"_index": self.index_name, "_id": doc.job_id}})
                operations.append(_source(doc))
            with self._errors():
                response = self._client.bulk(operations=operations, refresh=self._refresh)
            if response.get("errors"):
                failed = [i["index"] for i in response["items"] if "error" in i["index"]]
                first = failed[0]
                raise ServiceUnavailableError(
                    self.name,
                    self.url,
                    f"{len(failed)} of {len(chunk)} documents were not indexed; "
                    f"job {first['_id']}: {first['error'].get('reason', first['error'])}",
                )

    def search(
        self,
        query: str,
        limit: int = 20,
        offset: int = 0,
        satellite_id: str | None = None,
        status: str | None = None,
    ) -> SearchResults:
        words = query_words(query)
        if limit < 1:
            raise InvalidRequestError("limit", "must be at least 1")
        if offset < 0:
            raise InvalidRequestError("offset", "must not be negative")
        if offset + limit > MAX_RESULT_WINDOW:
            raise InvalidRequestError(
                "offset", f"offset + limit must not exceed {MAX_RESULT_WINDOW}"
            )
        if not words:
            return SearchResults(total=0, hits=[])
        with self._errors():
            response = self._client.search(
                index=self.index_name,
                query=search_query(words, satellite_id, status),
                sort=[{"_score": "desc"}, {"created_at": "desc"}, {"job_id": "asc"}],
                from_=offset,
                size=limit,
                track_total_hits=True,
                track_scores=True,
            )
        found = response["hits"]
        return SearchResults(
            total=found["total"]["value"],
            hits=[
                SearchHit(document=_document(hit["_source"]), score=float(hit["_score"]))
                for hit in found["hits"]
            ],
        )

    def check_ready(self) -> None:
        """Ready when the cluster answers /_cluster/health within the ready timeout
        and is not red."""
        client = self._client.options(request_timeout=self._ready_timeout_s, max_retries=0)
        with self._errors():
            health = client.cluster.health()
        if health["status"] == "red":
            raise ServiceUnavailableError(self.name, self.url, "cluster health is red")

    def close(self) -> None:
        self._client.close()

    def delete_index(self) -> None:
        """Remove the index and its template (tests use it to clean up)."""
        client = self._client.options(ignore_status=404)
        with self._errors():
            client.indices.delete(index=self.index_name)
            client.indices.delete_index_template(name=self.index_name)

    def _ensure_index(self) -> None:
        with self._errors():
            self._client.indices.put_index_template(
                name=self.index_name, **index_template(self.index_name)
            )
            try:
                self._client.indices.create(index=self.index_name)
            except elasticsearch.BadRequestError as exc:
                # Another process created it first, from the same template.
                if exc.error != "resource_already_exists_exception":
                    raise

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Transport failures, and answers that mean the cluster cannot serve (404 on
        the index, 429, 5xx), become ServiceUnavailableError; other 4xx answers are
        bugs in the request and propagate as they are."""
        try:
            yield
        except elasticsearch.ApiError as exc:
            status = exc.meta.status
            if status == 404:
                detail = f"index {self.index_name} does not exist: {exc.message}"
            elif status == 429 or status >= 500:
                detail = f"HTTP {status}: {exc.message}"
            else:
                raise
            raise ServiceUnavailableError(self.name, self.url, detail) from exc
        except elasticsearch.TransportError as exc:
            raise ServiceUnavailableError(self.name, self.url, str(exc)) from exc


def _source(doc: JobDocument) -> dict[str, Any]:
    return {
        "job_id": doc.job_id,
        "satellite_id": doc.satellite_id,
        "source": doc.source,
        "trigger_reason": doc.trigger_reason,
        "status": doc.status,
        "model_name": doc.model_name,
        "anomalous_subsystems": list(doc.anomalous_subsystems),
        "anomaly_channels": list(doc.anomaly_channels),
        "created_at": _utc_iso(doc.created_at),
        "completed_at": _utc_iso(doc.completed_at) if doc.completed_at else None,
        "max_anomaly_score": doc.max_anomaly_score,
        "error_message": doc.error_message,
        "text": " ".join(tokens(doc.text)),
    }


def _document(source: Mapping[str, Any]) -> JobDocument:
    completed_at = source.get("completed_at")
    return JobDocument(
        job_id=source["job_id"],
        satellite_id=source.get("satellite_id"),
        source=source["source"],
        trigger_reason=source.get("trigger_reason"),
        status=source["status"],
        model_name=source["model_name"],
        created_at=datetime.fromisoformat(source["created_at"]),
        completed_at=datetime.fromisoformat(completed_at) if completed_at else None,
        anomalous_subsystems=list(source.get("anomalous_subsystems") or []),
        anomaly_channels=list(source.get("anomaly_channels") or []),
        max_anomaly_score=source.get("max_anomaly_score"),
        error_message=source.get("error_message"),
    )


def _utc_iso(moment: datetime) -> str:
    """UTC with its offset; a naive time is taken as UTC, as the FTS5 index takes it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()

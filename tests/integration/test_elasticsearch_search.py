"""The Elasticsearch index on the real server: the same matching, ranking, filters and
safety as the FTS5 index, the template's mappings, upserts, paging and readiness.

Where the two adapters must agree, the same documents and queries go to both and
the answers are compared.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from satmon.config import Settings
from satmon.errors import InvalidRequestError, ServiceUnavailableError
from satmon.search.base import JobDocument
from satmon.search.elastic import MAX_RESULT_WINDOW, ElasticsearchIndex
from satmon.search.factory import open_search
from satmon.search.fts import FtsSearchIndex
from tests.integration.conftest import ELASTICSEARCH_URL, unique_name

pytestmark = pytest.mark.integration

T0 = datetime(2025, 10, 30, 12, 0, tzinfo=UTC)


def doc(job_id: str, **fields: object) -> JobDocument:
    values: dict[str, object] = {
        "job_id": job_id,
        "satellite_id": "SAT-001",
        "source": "kafka_auto_trigger",
        "trigger_reason": "periodic_check",
        "status": "completed",
        "model_name": "lstm_timeseries",
        "created_at": T0,
        "completed_at": T0 + timedelta(seconds=4),
    }
    values.update(fields)
    return JobDocument(**values)  # type: ignore[arg-type]


DOCUMENTS = [
    doc(
        "kafka-SAT-001-1761802245",
        trigger_reason="battery_low",
        anomalous_subsystems=["eps"],
        anomaly_channels=["battery_voltage", "battery_soc_percent"],
        max_anomaly_score=0.91,
    ),
    doc(
        "kafka-SAT-002-1761802300",
        satellite_id="SAT-002",
        trigger_reason="temperature_high",
        anomalous_subsystems=["thermal"],
        anomaly_channels=["obc_temp"],
        created_at=T0 + timedelta(minutes=1),
    ),
    doc(
        "manual-1",
        satellite_id=None,
        source="manual",
        trigger_reason=None,
        status="failed",
        model_name="vae_timeseries",
        error_message="model vae_timeseries timed out",
        created_at=T0 + timedelta(minutes=2),
        completed_at=None,
    ),
    doc(
        "kafka-SAT-003-1761802400",
        satellite_id="SAT-003",
        trigger_reason="battery_check",
        created_at=T0 + timedelta(minutes=3),
    ),
    doc("café-Ünïcode", trigger_reason="Überhitzung", created_at=T0 + timedelta(minutes=4)),
]

# Queries whose answers the two adapters must agree on, in order.
SHARED_QUERIES = [
    "anomaly",
    "anomaly thermal",
    "anomaly timed",
    "SAT-002",
    "sat-00*",
    "battery_voltage",
    "voltage",
    "kafka-SAT-001-1761802245",
    "batt",
    "batt*",
    "TEMPERAT*",
    "timed out",
    "vae*",
    "cafe",
    "UBERHITZ*",
    "battery",
]

HOSTILE_QUERIES = [
    '"',
    '"unbalanced',
    "OR",
    "AND NOT",
    "*:*",
    "satellite_id:SAT-001",
    "(battery",
    '{"match_all": {}}',
    "battery^10",
    "batt~2",
    "/.*/",
    "\\",
    "+battery -voltage",
    "*",
    "***",
    "battery\x00voltage",
    "sat* | *",
]


@pytest.fixture(scope="module")
def shared() -> Iterator[ElasticsearchIndex]:
    """DOCUMENTS in an index of this module's own, for the tests that only read."""
    index = ElasticsearchIndex(
        ELASTICSEARCH_URL, index=unique_name("satmon-test").lower(), refresh="wait_for"
    )
    try:
        index.index(DOCUMENTS)
        yield index
    finally:
        index.delete_index()
        index.close()


@pytest.fixture
def loaded(elastic_index: ElasticsearchIndex) -> ElasticsearchIndex:
    """DOCUMENTS in an index of the test's own, for the tests that write."""
    elastic_index.index(DOCUMENTS)
    return elastic_index


@pytest.fixture(scope="module")
def fts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FtsSearchIndex]:
    index = FtsSearchIndex(tmp_path_factory.mktemp("fts") / "search.sqlite")
    index.index(DOCUMENTS)
    yield index
    index.close()


def job_ids(index: ElasticsearchIndex | FtsSearchIndex, query: str, **filters: str) -> list[str]:
    return [hit.document.job_id for hit in index.search(query, **filters).hits]  # type: ignore[arg-type]


# --- the same answers as the embedded index ----------------------------------------------


@pytest.mark.parametrize("query", SHARED_QUERIES)
def test_matches_what_the_fts5_index_matches(
    shared: ElasticsearchIndex, fts: FtsSearchIndex, query: str
) -> None:
    ours, theirs = shared.search(query), fts.search(query)

    assert sorted(job_ids(shared, query)) == sorted(job_ids(fts, query))
    assert ours.total == theirs.total


def test_every_word_must_match(shared: ElasticsearchIndex) -> None:
    assert sorted(job_ids(shared, "anomaly")) == [
        "kafka-SAT-001-1761802245",
        "kafka-SAT-002-1761802300",
    ]
    assert job_ids(shared, "anomaly thermal") == ["kafka-SAT-002-1761802300"]
    assert job_ids(shared, "anomaly timed") == []


def test_a_word_is_a_phrase_of_its_tokens_in_order(shared: ElasticsearchIndex) -> None:
    assert job_ids(shared, "SAT-002") == ["kafka-SAT-002-1761802300"]
    # Both tokens are in every kafka job's text, but never as "002 sat".
    assert job_ids(shared, "002-SAT") == []
    assert job_ids(shared, "kafka-SAT-001-1761802245") == ["kafka-SAT-001-1761802245"]


def test_a_trailing_star_matches_a_prefix(shared: ElasticsearchIndex) -> None:
    assert job_ids(shared, "batt") == []
    assert sorted(job_ids(shared, "batt*")) == [
        "kafka-SAT-001-1761802245",
        "kafka-SAT-003-1761802400",
    ]
    assert job_ids(shared, "TEMPERAT*") == ["kafka-SAT-002-1761802300"]
    # The prefix applies to the word's last token, after the others in sequence.
    assert job_ids(shared, "sat-002-17618*") == ["kafka-SAT-002-1761802300"]
    # Longer than the indexed prefixes (19 characters): still found.
    assert job_ids(shared, "kafka-SAT-001-176180224*") == ["kafka-SAT-001-1761802245"]


def test_case_and_diacritics_do_not_matter(shared: ElasticsearchIndex) -> None:
    assert job_ids(shared, "CAFE") == ["café-Ünïcode"]
    assert job_ids(shared, "unicode") == ["café-Ünïcode"]
    assert job_ids(shared, "überhitzung") == ["café-Ünïcode"]


def test_filters_by_satellite_and_status(shared: ElasticsearchIndex) -> None:
    assert job_ids(shared, "batt*", satellite_id="SAT-003") == ["kafka-SAT-003-1761802400"]
    assert job_ids(shared, "batt*", satellite_id="SAT-009") == []
    assert job_ids(shared, "timeseries", status="failed") == ["manual-1"]
    found = shared.search("timeseries", status="completed", satellite_id="SAT-001")
    assert found.total == 2
    assert {h.document.job_id for h in found.hits} == {"kafka-SAT-001-1761802245", "café-Ünïcode"}


def test_better_matches_rank_first_and_ties_go_newest_first(loaded: ElasticsearchIndex) -> None:
    # "battery" is three times in the first job's text and once in the third's.
    hits = loaded.search("battery").hits
    assert [h.document.job_id for h in hits] == [
        "kafka-SAT-001-1761802245",
        "kafka-SAT-003-1761802400",
    ]
    assert hits[0].score > hits[1].score > 0

    # Equal texts apart from the id: equal scores, newest first.
    loaded.index(
        [
            doc("tie-old", trigger_reason="solar_flare", created_at=T0),
            doc("tie-new", trigger_reason="solar_flare", created_at=T0 + timedelta(hours=1)),
        ]
    )
    assert job_ids(loaded, "solar") == ["tie-new", "tie-old"]


def test_a_hit_carries_the_whole_document(shared: ElasticsearchIndex) -> None:
    [hit] = shared.search("battery_soc_percent").hits
    assert hit.document == DOCUMENTS[0]
    [failed] = shared.search("timed").hits
    assert failed.document == DOCUMENTS[2]
    assert failed.document.created_at.tzinfo is not None


def test_a_naive_time_is_taken_as_utc(elastic_index: ElasticsearchIndex) -> None:
    elastic_index.index([doc("naive", created_at=datetime(2025, 10, 30, 12, 0))])
    [hit] = elastic_index.search("naive").hits
    assert hit.document.created_at == T0


# --- hostile and odd input ---------------------------------------------------------------


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_query_syntax_is_never_interpreted(
    shared: ElasticsearchIndex, fts: FtsSearchIndex, query: str
) -> None:
    found = shared.search(query)

    assert sorted(job_ids(shared, query)) == sorted(job_ids(fts, query))
    assert found.total == fts.search(query).total
    # None of these words are in the documents, except the literal words they contain.
    assert found.total < len(DOCUMENTS)


def test_an_empty_query_and_bad_paging_name_the_field(shared: ElasticsearchIndex) -> None:
    with pytest.raises(InvalidRequestError) as empty:
        shared.search("   ")
    with pytest.raises(InvalidRequestError) as limit:
        shared.search("battery", limit=0)
    with pytest.raises(InvalidRequestError) as offset:
        shared.search("battery", offset=-1)
    with pytest.raises(InvalidRequestError) as window:
        shared.search("battery", limit=20, offset=MAX_RESULT_WINDOW)

    assert (empty.value.field, limit.value.field, offset.value.field) == ("q", "limit", "offset")
    assert window.value.field == "offset"


# --- writes, paging, mappings ------------------------------------------------------------


def test_indexing_a_job_again_replaces_its_document(loaded: ElasticsearchIndex) -> None:
    loaded.index([doc("manual-1", source="manual", status="completed", trigger_reason="rerun")])

    assert job_ids(loaded, "timed") == []
    [hit] = loaded.search("rerun").hits
    assert (hit.document.job_id, hit.document.status) == ("manual-1", "completed")
    assert loaded.search("manual").total == 1


def test_with_wait_for_a_job_is_searchable_as_soon_as_index_returns(
    elastic_index: ElasticsearchIndex,
) -> None:
    for n in range(3):
        elastic_index.index([doc(f"prompt-{n}", trigger_reason=f"prompt{n}")])
        assert job_ids(elastic_index, f"prompt{n}") == [f"prompt-{n}"]


def test_by_default_a_job_is_searchable_within_the_refresh_interval() -> None:
    index = ElasticsearchIndex(ELASTICSEARCH_URL, index=unique_name("satmon-test").lower())
    try:
        index.index([doc("soon", trigger_reason="eventual_visibility")])
        indexed_at = time.monotonic()
        while index.search("eventual_visibility").total == 0:
            assert time.monotonic() - indexed_at < 5.0, "not searchable after 5 s"
            time.sleep(0.05)
    finally:
        index.delete_index()
        index.close()


def test_pages_through_many_documents_with_an_exact_total(
    elastic_index: ElasticsearchIndex,
) -> None:
    many = [
        doc(f"bulk-{n:04d}", created_at=T0 + timedelta(seconds=n), trigger_reason="bulk_load")
        for n in range(1_234)  # more than one bulk request
    ]
    elastic_index.index(many)

    first = elastic_index.search("bulk_load", limit=100)
    last = elastic_index.search("bulk_load", limit=100, offset=1_200)
    seen = {
        h.document.job_id
        for offset in range(0, 1_234, 200)
        for h in elastic_index.search("bulk_load", limit=200, offset=offset).hits
    }

    assert first.total == last.total == 1_234
    # Equal scores: newest first.
    assert [h.document.job_id for h in first.hits[:2]] == ["bulk-1233", "bulk-1232"]
    assert len(last.hits) == 34
    assert len(seen) == 1_234


def test_the_template_maps_every_field_explicitly(elastic_index: ElasticsearchIndex) -> None:
    client = Elasticsearch(ELASTICSEARCH_URL)
    try:
        mapping = client.indices.get_mapping(index=elastic_index.index_name)
        settings = client.indices.get_settings(index=elastic_index.index_name)
        health = client.cluster.health(index=elastic_index.index_name)
    finally:
        client.close()
    index_mapping = mapping[elastic_index.index_name]["mappings"]
    fields = {name: spec["type"] for name, spec in index_mapping["properties"].items()}
    index_settings = settings[elastic_index.index_name]["settings"]["index"]

    assert index_mapping["dynamic"] == "strict"
    assert fields == {
        "job_id": "keyword",
        "satellite_id": "keyword",
        "source": "keyword",
        "trigger_reason": "keyword",
        "status": "keyword",
        "model_name": "keyword",
        "anomalous_subsystems": "keyword",
        "anomaly_channels": "keyword",
        "created_at": "date",
        "completed_at": "date",
        "max_anomaly_score": "double",
        "error_message": "text",
        "text": "text",
    }
    assert index_settings["refresh_interval"] == "1s"
    assert health["status"] == "green"


def test_opening_twice_keeps_the_documents(shared: ElasticsearchIndex) -> None:
    again = ElasticsearchIndex(ELASTICSEARCH_URL, index=shared.index_name)
    try:
        assert again.search("anomaly").total == 2
    finally:
        again.close()


# --- readiness and the factory -----------------------------------------------------------


def test_check_ready_passes_on_a_running_cluster(elastic_index: ElasticsearchIndex) -> None:
    elastic_index.check_ready()


def test_an_unreachable_cluster_is_named_with_its_url() -> None:
    with pytest.raises(ServiceUnavailableError) as raised:
        ElasticsearchIndex("http://user:secret@127.0.0.1:9", index="satmon-unreachable")

    assert raised.value.service == "elasticsearch"
    assert raised.value.url == "http://user:***@127.0.0.1:9"
    assert "secret" not in str(raised.value)


def test_the_factory_opens_elasticsearch_when_its_url_is_set(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        elasticsearch_url=ELASTICSEARCH_URL,
    )
    index = open_search(settings)
    try:
        assert isinstance(index, ElasticsearchIndex)
        assert (index.name, index.index_name, index.url) == (
            "elasticsearch",
            "satmon-jobs",
            ELASTICSEARCH_URL,
        )
        index.check_ready()
    finally:
        index.close()  # the shared default index stays: other processes use it

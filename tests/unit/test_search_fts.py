"""The FTS5 search index: matching, ranking, filters, and hostile query text."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from satmon.errors import InvalidRequestError, ServiceUnavailableError
from satmon.search.base import JobDocument
from satmon.search.fts import FtsSearchIndex, match_expression

pytestmark = pytest.mark.unit

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


@pytest.fixture
def index(tmp_path: Path) -> Iterator[FtsSearchIndex]:
    index = FtsSearchIndex(tmp_path / "search.sqlite")
    index.index(
        [
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
                source="manual",
                trigger_reason=None,
                status="failed",
                model_name="vae_timeseries",
                error_message="model vae_timeseries timed out",
                created_at=T0 + timedelta(minutes=2),
            ),
        ]
    )
    yield index
    index.close()


def job_ids(index: FtsSearchIndex, query: str, **filters: str) -> list[str]:
    return [hit.document.job_id for hit in index.search(query, **filters).hits]  # type: ignore[arg-type]


def test_every_word_must_match(index: FtsSearchIndex) -> None:
    assert sorted(job_ids(index, "anomaly")) == [
        "kafka-SAT-001-1761802245",
        "kafka-SAT-002-1761802300",
    ]
    assert job_ids(index, "anomaly thermal") == ["kafka-SAT-002-1761802300"]
    assert job_ids(index, "anomaly timed") == []


def test_identifiers_match_as_written(index: FtsSearchIndex) -> None:
    assert job_ids(index, "SAT-002") == ["kafka-SAT-002-1761802300"]
    assert job_ids(index, "battery_voltage") == ["kafka-SAT-001-1761802245"]
    assert job_ids(index, "kafka-SAT-001-1761802245") == ["kafka-SAT-001-1761802245"]


def test_a_trailing_star_matches_a_prefix(index: FtsSearchIndex) -> None:
    assert job_ids(index, "batt") == []
    assert job_ids(index, "batt*") == ["kafka-SAT-001-1761802245"]
    assert job_ids(index, "TEMPERAT*") == ["kafka-SAT-002-1761802300"]


def test_a_hit_carries_the_whole_document_and_a_score(index: FtsSearchIndex) -> None:
    [hit] = index.search("battery_voltage").hits

    assert hit.document == doc(
        "kafka-SAT-001-1761802245",
        trigger_reason="battery_low",
        anomalous_subsystems=["eps"],
        anomaly_channels=["battery_voltage", "battery_soc_percent"],
        max_anomaly_score=0.91,
    )
    assert hit.score > 0


def test_better_matches_rank_first(index: FtsSearchIndex) -> None:
    # "battery" appears three times in the first job's text, once in the second's.
    index.index([doc("kafka-SAT-003-1", satellite_id="SAT-003", trigger_reason="battery_check")])

    hits = index.search("battery").hits

    assert [h.document.job_id for h in hits] == ["kafka-SAT-001-1761802245", "kafka-SAT-003-1"]
    assert hits[0].score > hits[1].score


def test_indexing_a_job_again_replaces_its_document(index: FtsSearchIndex) -> None:
    index.index([doc("manual-1", source="manual", status="completed", trigger_reason="rerun")])

    assert job_ids(index, "timed") == []
    assert job_ids(index, "rerun") == ["manual-1"]
    assert index.search("manual").total == 1
    with sqlite3.connect(index.path) as conn:  # raises if the FTS index drifted
        conn.execute("INSERT INTO documents_fts (documents_fts) VALUES ('integrity-check')")


def test_filters_and_paging(index: FtsSearchIndex) -> None:
    everything = index.search("completed")
    page = index.search("kafka*", limit=1, offset=1)

    assert everything.total == 2
    assert job_ids(index, "kafka*", satellite_id="SAT-002") == ["kafka-SAT-002-1761802300"]
    assert job_ids(index, "timeseries", status="failed") == ["manual-1"]
    assert page.total == 2
    assert len(page.hits) == 1


@pytest.mark.parametrize(
    "query",
    [
        'battery" OR "thermal',
        "battery OR thermal",
        "NOT battery",
        "NEAR(battery thermal)",
        "body:anomaly",
        "{body}: anomaly",
        "^battery",
        "battery + thermal - eps",
        "(battery",
        "battery)",
        '"',
        '"""',
        "'; DROP TABLE documents; --",
        "*",
        "**",
        "bat**",
        "-",
        "\x00battery",
        "AND",
    ],
)
def test_query_syntax_in_user_input_is_neutralised(index: FtsSearchIndex, query: str) -> None:
    results = index.search(query)

    # Operators are plain words here: nothing in the index contains "or", "not",
    # "near" or "body", so a query that leans on them matches nothing rather than
    # more; and the table is still there afterwards.
    assert all("battery" in hit.document.text for hit in results.hits)
    assert results.total == len(results.hits)
    assert index.search("anomaly").total == 2


def test_operators_are_searched_as_words(index: FtsSearchIndex) -> None:
    assert job_ids(index, "battery OR thermal") == []
    assert job_ids(index, "NEAR(battery thermal)") == []
    assert match_expression('a"b OR c*') == '"a""b" AND "OR" AND "c"*'


def test_punctuation_alone_matches_nothing(index: FtsSearchIndex) -> None:
    assert index.search("!!! ()").total == 0


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_an_empty_query_is_refused(index: FtsSearchIndex, query: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        index.search(query)

    assert caught.value.field == "q"


def test_check_ready_names_the_index_when_the_file_cannot_be_opened(tmp_path: Path) -> None:
    index = FtsSearchIndex(tmp_path)  # a directory, not a database file

    with pytest.raises(ServiceUnavailableError) as caught:
        index.check_ready()

    assert caught.value.service == "sqlite-fts5"
    index.close()

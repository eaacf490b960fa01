from pathlib import Path

import pytest
from pydantic import SecretStr

from satmon.config import Settings, mask_url

pytestmark = pytest.mark.unit

README = Path(__file__).parents[2] / "README.md"


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_the_seed_variable_names_configure_the_services(monkeypatch):
    monkeypatch.setenv("POSTGRES_HOST", "db.example")
    monkeypatch.setenv("POSTGRES_USER", "admin")
    monkeypatch.setenv("POSTGRES_PASSWORD", "admin 123/@")
    monkeypatch.setenv("POSTGRES_DB", "orders_db")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    monkeypatch.setenv("SATMON_DATA_DIR", "/srv/satmon")
    loaded = settings()
    assert loaded.kafka_bootstrap_servers == "kafka:9092"
    assert loaded.results_database_url == (
        "postgresql+psycopg://admin:admin%20123%2F%40@db.example:5432/orders_db"
    )
    assert str(loaded.data_dir) == "/srv/satmon"


def test_unset_services_run_embedded(tmp_path):
    loaded = settings(data_dir=tmp_path)
    assert loaded.results_database_url == f"sqlite:///{tmp_path / 'results.sqlite'}"
    assert loaded.tsdb_path == tmp_path / "tsdb.sqlite"


def test_effective_configuration_masks_secrets():
    shown = settings(
        postgres_password=SecretStr("hunter2"),
        celery_broker_url=SecretStr("amqp://guest:guest@rabbit:5672//"),
        postgres_host="db",
    ).effective()
    assert shown["POSTGRES_PASSWORD"] == "***"
    assert shown["CELERY_BROKER_URL"] == "amqp://guest:***@rabbit:5672//"
    assert "hunter2" not in shown["(results database)"]
    assert "hunter2" not in str(shown)


def test_mask_url_keeps_everything_but_the_password():
    assert mask_url("redis://:pw@localhost:6379/0") == "redis://:***@localhost:6379/0"
    assert mask_url("http://localhost:8428") == "http://localhost:8428"


def test_every_setting_is_documented_in_the_readme():
    text = README.read_text(encoding="utf-8")
    for name in settings().effective():
        if not name.startswith("("):
            assert f"`{name}`" in text, f"{name} is missing from README.md's configuration table"

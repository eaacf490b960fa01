"""deploy/Procfile and deploy/native.env: every process is a real satmon verb with
options it accepts (or Flower on satmon's Celery app), and the environment selects
every real service."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import honcho.environ  # type: ignore[import-untyped]
import pytest
import typer

from satmon.cli import app
from satmon.config import Settings

pytestmark = pytest.mark.unit

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
PROCESSES = {"simulate", "consume", "trigger", "worker", "serve", "flower"}


def native_env() -> dict[str, str]:
    return dict(honcho.environ.parse((DEPLOY / "native.env").read_text()))


def shell_words(command: str, env: dict[str, str]) -> list[str]:
    """The words of a Procfile command as the shell honcho starts expands them."""
    printed = subprocess.run(
        ["/bin/sh", "-c", 'printf "%s\\0" ' + command],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return printed.split("\0")[:-1]


def commands(**env: str) -> dict[str, list[str]]:
    """Each process's command as honcho would start it (its PORT as for the first
    process of its kind, unless given)."""
    procfile = honcho.environ.parse_procfile((DEPLOY / "Procfile").read_text())
    environment = {**native_env(), "PORT": "5100", **env}
    return {name: shell_words(c, environment) for name, c in procfile.processes.items()}


def test_the_procfile_runs_the_whole_system() -> None:
    assert set(commands()) == PROCESSES


@pytest.mark.parametrize("process", sorted(PROCESSES - {"flower"}))
def test_each_satmon_process_is_a_verb_with_options_it_accepts(process: str) -> None:
    program, verb, *args = commands()[process]
    assert program == ".venv/bin/satmon"
    group = typer.main.get_command(app)
    command = group.commands.get(verb)  # type: ignore[attr-defined]
    assert command is not None, f"satmon has no verb {verb!r}"
    command.make_context(verb, list(args))  # raises on an unknown option or a bad value
    if process == "simulate":
        assert args[args.index("--kafka") + 1] == native_env()["KAFKA_BOOTSTRAP_SERVERS"]
    if process == "consume":
        assert args == ["--metrics-port", "9108"]


def test_each_consume_process_serves_its_metrics_on_a_port_of_its_own() -> None:
    """`honcho start -c consume=2` gives the second consume process PORT 5101."""
    assert commands(PORT="5101")["consume"][-2:] == ["--metrics-port", "9109"]
    moved = commands(PORT="5102", CONSUME_METRICS_PORT="9200")["consume"]
    assert moved[-2:] == ["--metrics-port", "9202"]


def test_flower_watches_satmons_celery_app() -> None:
    program, *args = commands()["flower"]
    assert program == ".venv/bin/celery"
    assert args[:3] == ["-A", "satmon.analysis.celery_app", "flower"]
    assert "--port=5555" in args and "--address=127.0.0.1" in args


def test_the_native_environment_selects_every_real_service() -> None:
    settings = Settings(_env_file=None, **native_env())  # type: ignore[arg-type]
    assert settings.kafka_bootstrap_servers == "127.0.0.1:9092"
    assert settings.victoria_metrics_url and settings.triton_server_url
    assert settings.celery_broker_url and settings.celery_result_backend
    assert settings.database_url and settings.redis_url and settings.elasticsearch_url

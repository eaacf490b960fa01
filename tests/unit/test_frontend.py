"""The dashboard's own checks from the Python suite, so CI runs them: the Vitest
tests, the strict TypeScript build, and that the committed API types are the ones
the current OpenAPI document generates."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"


def npm(*args: str, timeout_s: float = 300) -> subprocess.CompletedProcess[str]:
    if shutil.which("npm") is None:
        pytest.fail("npm is not installed: the dashboard needs Node 20 and npm")
    if not (FRONTEND / "node_modules").is_dir():
        pytest.fail("frontend/node_modules is missing: run `scripts/provision --only frontend`")
    return subprocess.run(
        ["npm", *args],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        env={**os.environ, "CI": "true", "NO_COLOR": "1", "FORCE_COLOR": "0"},
        check=False,
    )


def test_vitest_suite_passes() -> None:
    run = npm("test", "--silent")
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]


def test_typescript_is_strict_and_compiles() -> None:
    config = (FRONTEND / "tsconfig.json").read_text()
    assert '"strict": true' in config
    run = npm("run", "--silent", "typecheck")
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]


def test_no_any_in_the_dashboards_sources() -> None:
    offenders = [
        f"{path.relative_to(FRONTEND)}:{n}"
        for path in (FRONTEND / "src").rglob("*.ts*")
        if path.name != "schema.d.ts"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if ": any" in line or "as any" in line or "<any>" in line
    ]
    assert offenders == []


def test_committed_api_types_match_the_current_openapi_document(tmp_path: Path) -> None:
    generated = tmp_path / "schema.d.ts"
    run = npm("run", "--silent", "gen:api", "--", "--out", str(generated))
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    committed = (FRONTEND / "src" / "api" / "schema.d.ts").read_text()
    assert generated.read_text() == committed, (
        "frontend/src/api/schema.d.ts is stale: run `npm run gen:api` in frontend/"
    )

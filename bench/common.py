"""What bench/ingest.py and bench/analysis.py share: the repository root, the
console their progress and notes go to (stderr, so the tables on stdout stay
clean), and a process's CPU time read from /proc."""

from __future__ import annotations

import os
from pathlib import Path

from rich.console import Console

ROOT = Path(__file__).resolve().parents[1]
console = Console(stderr=True)


def cpu_ticks(pid: int) -> int:
    """User + system CPU of one process so far, in clock ticks (FileNotFoundError
    once it is gone)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far, in seconds."""
    return cpu_ticks(pid) / os.sysconf("SC_CLK_TCK")

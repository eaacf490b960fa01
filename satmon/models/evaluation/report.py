"""Markdown tables of the evaluation results (printed, and pasted into docs/models.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def summary(path: Path) -> str:
    document = json.loads(path.read_text(encoding="utf-8"))
    kind = document["benchmark"]
    if kind == "evaluate-simulator":
        return faults_table(document)
    if kind == "evaluate-forecast":
        return forecast_table(document)
    if kind in ("evaluate-smap", "evaluate-telemanom"):
        return smap_table(document)
    raise ValueError(f"{path}: unknown results {kind!r}")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def faults_table(document: dict[str, Any]) -> str:
    models = document["models"]
    kinds = sorted({k for m in models for k in m["recall_by_kind"]})
    lines = [
        _row(["model", "recall", "false alarms / sat-day", "median delay (s)", *kinds]),
        _row(["---"] * (4 + len(kinds))),
    ]
    for m in models:
        per_kind = [
            f"{m['recall_by_kind'][k]['recall']:.0%} of {m['recall_by_kind'][k]['faults']:.0f}"
            if k in m["recall_by_kind"]
            else "-"
            for k in kinds
        ]
        lines.append(
            _row(
                [
                    m["model"],
                    f"{m['recall']:.1%} ({m['detected']}/{m['faults']})",
                    f"{m['false_alarms_per_satellite_day']:.2f}",
                    f"{m['detection_delay_s']['median']:.0f}",
                    *per_kind,
                ]
            )
        )
    return "\n".join(lines)


def forecast_table(document: dict[str, Any]) -> str:
    results = document["results"]
    subsystems = list(results)
    forecasters = list(results[subsystems[0]])
    lines = [
        _row(["forecaster", *(f"{s} MASE" for s in subsystems), "RMSSE (mean)"]),
        _row(["---"] * (2 + len(subsystems))),
    ]
    for name in forecasters:
        mase = [results[s][name]["mase"] for s in subsystems]
        rmsse = sum(results[s][name]["rmsse"] for s in subsystems) / len(subsystems)
        lines.append(_row([name, *(f"{v:.3f}" for v in mase), f"{rmsse:.3f}"]))
    return "\n".join(lines)


def smap_table(document: dict[str, Any]) -> str:
    lines = [
        _row(["detector", "precision", "recall", "F0.5", "TP/FP/FN", "point-adjusted F1"]),
        _row(["---"] * 6),
    ]
    for name, result in document["models"].items():
        for method, o in result["overall"].items():
            lines.append(
                _row(
                    [
                        f"{name} ({method} threshold)",
                        f"{o['precision']:.1%}",
                        f"{o['recall']:.1%}",
                        f"{o['f0_5']:.3f}",
                        f"{o['true_positives']}/{o['false_positives']}/{o['false_negatives']}",
                        f"{o['point_adjusted_f1']:.3f}",
                    ]
                )
            )
    published = document["published"]
    telemanom = published["telemanom_per_sequence"]
    lines.append(
        _row(
            [
                "Telemanom LSTM-NDT (published)",
                f"{telemanom['precision']:.1%}",
                f"{telemanom['recall']:.1%}",
                "-",
                "-",
                f"{published['point_adjusted_f1']['LSTM-NDT']:.3f}",
            ]
        )
    )
    for other, f1 in published["point_adjusted_f1"].items():
        if other != "LSTM-NDT":
            lines.append(_row([f"{other} (published)", "-", "-", "-", "-", f"{f1:.3f}"]))
    return "\n".join(lines)

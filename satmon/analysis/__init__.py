"""Analysis: trigger rules, job orchestration, and the inference tasks."""

"""`satmon evaluate`: simulator faults, NASA SMAP and forecast accuracy.

Each part writes bench/results/evaluate-<part>.json and returns a summary
table (markdown) for docs/models.md.
"""

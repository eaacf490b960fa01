# shellcheck shell=bash
# VictoriaMetrics (Debian's victoria-metrics, 1.79) on 127.0.0.1:8428.
#
# -retentionPeriod=100y: samples older than the retention period are dropped
#   on import, so a short retention would silently lose replayed historical
#   telemetry; test data is small and is removed with `scripts/services reset`.
# -dedup.minScrapeInterval=1ms: keeps one sample per series per millisecond, so
#   a redelivered sample (same series, same timestamp) is stored once; distinct
#   timestamps are never merged. Verified on 1.79: the same two samples imported
#   three times read back as 2 points from /api/v1/export and count_over_time
#   (6 without the flag).
# -search.latencyOffset=1s: samples become visible to queries after 1s instead
#   of 30s. POST /internal/force_flush makes just-written data searchable.
# -memory.allowedBytes=512MiB: caps the caches (default: 60% of the machine).

victoriametrics_log_file() { log_file_of victoriametrics; }
victoriametrics_endpoint() { printf 'http://127.0.0.1:%s' "$VICTORIAMETRICS_PORT"; }
victoriametrics_start_timeout() { echo 30; }
victoriametrics_is_running() { is_process_running victoriametrics; }

victoriametrics_health() {
    http_ok "http://127.0.0.1:$VICTORIAMETRICS_PORT/health" OK
}

victoriametrics_start() {
    require_command victoriametrics victoria-metrics
    require_port_free victoriametrics "$VICTORIAMETRICS_PORT"
    local data
    data="$(data_dir_of victoriametrics)"
    mkdir -p "$data"
    start_detached victoriametrics victoria-metrics \
        -httpListenAddr="127.0.0.1:$VICTORIAMETRICS_PORT" \
        -storageDataPath="$data" \
        -retentionPeriod=100y \
        -dedup.minScrapeInterval=1ms \
        -search.latencyOffset=1s \
        -memory.allowedBytes=512MiB
}

victoriametrics_stop() { stop_recorded_process victoriametrics 30; }

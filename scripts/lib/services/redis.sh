# shellcheck shell=bash
# Redis (Debian's redis-server) on 127.0.0.1:6379, data in var/redis/data.
# Config: deploy/services/redis/redis.conf (rendered to var/redis/redis.conf).

redis_log_file() { log_file_of redis; }
redis_endpoint() { printf 'redis://127.0.0.1:%s/0' "$REDIS_PORT"; }
redis_start_timeout() { echo 20; }
redis_is_running() { is_process_running redis; }

redis_health() {
    [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]
}

redis_start() {
    require_command redis redis-server
    require_port_free redis "$REDIS_PORT"
    local data conf
    data="$(data_dir_of redis)"
    conf="$SATMON_VAR/redis/redis.conf"
    mkdir -p "$data"
    render_template "$SATMON_TEMPLATES/redis/redis.conf" "$conf" \
        PORT="$REDIS_PORT" DATA_DIR="$data"
    start_detached redis redis-server "$conf"
}

# TERM makes Redis save its snapshot (dump.rdb) before it exits.
redis_stop() { stop_recorded_process redis 30; }

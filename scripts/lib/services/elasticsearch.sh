# shellcheck shell=bash
# Elasticsearch (the integ-test-zip from Maven Central, unpacked by
# scripts/provision into /opt/satmon), single node on 127.0.0.1:9200, security
# off, heap 512 MiB. It refuses to run as root, so it runs as the system user
# satmon-es, which owns var/elasticsearch (data, config, temp files) and
# var/log/elasticsearch.log.
# The zip has only a few modules (no painless, analysis-common, rest-root):
# GET / and HEAD / (the Python client's info() and ping()) answer 405, so
# readiness is /_cluster/health.

elasticsearch_home() { printf '%s/elasticsearch-%s' "$SATMON_OPT" "$ELASTICSEARCH_VERSION"; }
elasticsearch_own_pid_file() { printf '%s/elasticsearch/elasticsearch.pid' "$SATMON_VAR"; }

elasticsearch_log_file() { log_file_of elasticsearch; }
elasticsearch_endpoint() { printf 'http://127.0.0.1:%s' "$ELASTICSEARCH_PORT"; }
elasticsearch_start_timeout() { echo 120; }

# While the server boots, var/run/elasticsearch.pid holds the launcher's pid; once
# the server has written its own pid file (and the launcher has exited), its pid
# replaces the launcher's.
elasticsearch_is_running() {
    local own pid
    own="$(elasticsearch_own_pid_file)"
    if [[ -s $own ]]; then
        pid="$(<"$own")"
        if [[ $pid =~ ^[0-9]+$ ]] && is_pid_alive "$pid"; then
            printf '%s\n' "$pid" >"$(pid_file_of elasticsearch)"
            return 0
        fi
    fi
    is_process_running elasticsearch
}

elasticsearch_health() {
    local body
    body="$(curl -fsS --max-time 3 "http://127.0.0.1:$ELASTICSEARCH_PORT/_cluster/health?wait_for_status=yellow&timeout=2s" 2>/dev/null)" || return 1
    [[ $body == *'"status":"green"'* || $body == *'"status":"yellow"'* ]]
}

elasticsearch_start() {
    local home base="$SATMON_VAR/elasticsearch" log java
    home="$(elasticsearch_home)"
    log="$(elasticsearch_log_file)"
    [[ -x $home/bin/elasticsearch ]] ||
        die "elasticsearch: $home missing; run scripts/provision --only elasticsearch"
    id -u "$ELASTICSEARCH_USER" >/dev/null 2>&1 ||
        die "elasticsearch: system user $ELASTICSEARCH_USER missing; run scripts/provision --only elasticsearch"
    java="$(java_home)" || die "elasticsearch: java not found; run scripts/provision --only elasticsearch"
    require_port_free elasticsearch "$ELASTICSEARCH_PORT"
    require_reachable_by "$ELASTICSEARCH_USER" "$SATMON_VAR"

    mkdir -p "$base/config" "$base/data" "$base/logs" "$base/tmp"
    # The zip's config files (roles, users, ...) once; ours replace the three we set.
    [[ -f $base/config/role_mapping.yml ]] || cp -r "$home/config/." "$base/config/"
    render_template "$SATMON_TEMPLATES/elasticsearch/elasticsearch.yml" "$base/config/elasticsearch.yml" \
        PORT="$ELASTICSEARCH_PORT" TRANSPORT_PORT="$ELASTICSEARCH_TRANSPORT_PORT" \
        DATA_DIR="$base/data" LOGS_DIR="$base/logs"
    cp "$SATMON_TEMPLATES/elasticsearch/jvm.options" "$base/config/jvm.options"
    render_template "$SATMON_TEMPLATES/elasticsearch/log4j2.properties" "$base/config/log4j2.properties" \
        LOG_FILE="$log"
    touch "$log"
    chown -R "$ELASTICSEARCH_USER:" "$base" "$log"

    rm -f "$(elasticsearch_own_pid_file)"
    # -d: the server detaches and writes its pid file, and the launcher's JVM exits
    # (saving its memory). The launcher blocks until the node has started, so it
    # runs in the background too, letting the other services boot meanwhile.
    start_detached elasticsearch runuser -u "$ELASTICSEARCH_USER" -- env --chdir="$base" \
        ES_JAVA_HOME="$java" ES_PATH_CONF="$base/config" ES_TMPDIR="$base/tmp" \
        "$home/bin/elasticsearch" -d -p "$(elasticsearch_own_pid_file)"
}

elasticsearch_stop() {
    elasticsearch_is_running || true
    stop_recorded_process elasticsearch 60
}

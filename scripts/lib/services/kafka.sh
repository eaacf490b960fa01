# shellcheck shell=bash
# Apache Kafka (jars from Maven Central, see deploy/services/kafka/pom.xml), one
# KRaft node: broker on 127.0.0.1:9092, controller on 127.0.0.1:9093, data in
# var/kafka/data. The storage directory is formatted once, with a cluster id kept
# in var/kafka/cluster.id.

kafka_version() {
    sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$SATMON_TEMPLATES/kafka/pom.xml"
}
kafka_lib_dir() { printf '%s/kafka-%s/lib' "$SATMON_CACHE" "$(kafka_version)"; }

kafka_log_file() { log_file_of kafka; }
kafka_endpoint() { printf '127.0.0.1:%s' "$KAFKA_PORT"; }
kafka_start_timeout() { echo 90; }
kafka_is_running() { is_process_running kafka; }

# Readiness: a metadata request answered by broker 1.
kafka_health() {
    kcat -b "127.0.0.1:$KAFKA_PORT" -L -m 3 2>/dev/null | grep -q 'broker 1 at 127.0.0.1'
}

kafka_java() {
    java -cp "$(kafka_lib_dir)/*" \
        -Dlog4j2.configurationFile="file:$SATMON_TEMPLATES/kafka/log4j2.properties" "$@"
}

kafka_format_storage() {
    local conf=$1 id_file="$SATMON_VAR/kafka/cluster.id"
    # The tool prints the id as its last line, after its own log lines.
    [[ -s $id_file ]] || kafka_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1 >"$id_file"
    say "kafka: formatting $(data_dir_of kafka) (cluster id $(<"$id_file"))"
    kafka_java kafka.tools.StorageTool format -t "$(<"$id_file")" -c "$conf" \
        --ignore-formatted >>"$(kafka_log_file)" 2>&1
}

kafka_start() {
    require_command kafka java
    require_command kafka kcat
    [[ -f "$(kafka_lib_dir)/kafka_2.13-$(kafka_version).jar" ]] ||
        die "kafka: jars missing in $(kafka_lib_dir); run scripts/provision --only kafka"
    require_port_free kafka "$KAFKA_PORT"
    require_port_free kafka "$KAFKA_CONTROLLER_PORT"
    local data conf="$SATMON_VAR/kafka/server.properties"
    data="$(data_dir_of kafka)"
    mkdir -p "$data"
    render_template "$SATMON_TEMPLATES/kafka/server.properties" "$conf" \
        PORT="$KAFKA_PORT" CONTROLLER_PORT="$KAFKA_CONTROLLER_PORT" DATA_DIR="$data"
    [[ -f $data/meta.properties ]] || kafka_format_storage "$conf"
    start_detached kafka java -Xms512m -Xmx1g -XX:+ExitOnOutOfMemoryError \
        -Djava.awt.headless=true \
        -Dlog4j2.configurationFile="file:$SATMON_TEMPLATES/kafka/log4j2.properties" \
        -cp "$(kafka_lib_dir)/*" kafka.Kafka "$conf"
}

# A controlled shutdown takes a few seconds.
kafka_stop() { stop_recorded_process kafka 60; }

# shellcheck shell=bash
# RabbitMQ (Debian's rabbitmq-server, 3.10) as node satmon@localhost, AMQP on
# 127.0.0.1:5672, management UI/API on 127.0.0.1:15672, Erlang distribution on
# 127.0.0.1:25672 (epmd on loopback too). guest/guest works on loopback.
# Mnesia and the node's Erlang cookie live under var/rabbitmq; the broker logs to
# var/log/rabbitmq.log.
# The scripts in /usr/lib/rabbitmq/bin are called directly: Debian's wrappers in
# /usr/sbin switch to the rabbitmq user and its directories in /var/lib.
# Config: deploy/services/rabbitmq/rabbitmq.conf and enabled_plugins.

RABBITMQ_BIN=/usr/lib/rabbitmq/bin

rabbitmq_log_file() { log_file_of rabbitmq; }
rabbitmq_endpoint() { printf 'amqp://guest:***@127.0.0.1:%s//' "$RABBITMQ_PORT"; }
rabbitmq_start_timeout() { echo 90; }
rabbitmq_is_running() { is_process_running rabbitmq; }

# The environment of the server and of its command-line tools alike: the tools
# find the node by name and authenticate with the cookie in $HOME.
RABBITMQ_ENVIRONMENT=(
    HOME="$SATMON_VAR/rabbitmq"
    RABBITMQ_NODENAME=satmon@localhost
    RABBITMQ_MNESIA_BASE="$SATMON_VAR/rabbitmq/mnesia"
    RABBITMQ_LOG_BASE="$SATMON_VAR/rabbitmq/log"
    RABBITMQ_CONFIG_FILE="$SATMON_VAR/rabbitmq/rabbitmq.conf"
    RABBITMQ_ENABLED_PLUGINS_FILE="$SATMON_VAR/rabbitmq/enabled_plugins"
    RABBITMQ_PID_FILE="$SATMON_VAR/rabbitmq/rabbitmq.pid"
    RABBITMQ_DIST_PORT="$RABBITMQ_DIST_PORT"
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    ERL_EPMD_ADDRESS=127.0.0.1
)

# rabbitmqctl for this node, e.g. `rabbitmqctl_satmon list_queues`.
rabbitmqctl_satmon() { env "${RABBITMQ_ENVIRONMENT[@]}" "$RABBITMQ_BIN/rabbitmqctl" "$@"; }

# Readiness: the node runs and its AMQP listener is open (that happens only once
# the broker has booted). `rabbitmq-diagnostics ping` alone passes earlier, while
# the broker is still starting; a bare TCP probe would log a warning each time.
rabbitmq_health() {
    env "${RABBITMQ_ENVIRONMENT[@]}" timeout 10 "$RABBITMQ_BIN/rabbitmq-diagnostics" -q \
        check_port_listener "$RABBITMQ_PORT" >/dev/null 2>&1
}

rabbitmq_start() {
    require_command rabbitmq "$RABBITMQ_BIN/rabbitmq-server"
    require_port_free rabbitmq "$RABBITMQ_PORT"
    local base="$SATMON_VAR/rabbitmq"
    mkdir -p "$base/mnesia" "$base/log"
    render_template "$SATMON_TEMPLATES/rabbitmq/rabbitmq.conf" "$base/rabbitmq.conf" \
        PORT="$RABBITMQ_PORT" MANAGEMENT_PORT="$RABBITMQ_MANAGEMENT_PORT" \
        LOG_FILE="$(rabbitmq_log_file)"
    cp "$SATMON_TEMPLATES/rabbitmq/enabled_plugins" "$base/enabled_plugins"
    # The server script stays in the foreground as the parent of the Erlang VM and
    # turns TERM into a clean broker shutdown.
    start_detached rabbitmq env "${RABBITMQ_ENVIRONMENT[@]}" "$RABBITMQ_BIN/rabbitmq-server"
}

rabbitmq_stop() { stop_recorded_process rabbitmq 60; }

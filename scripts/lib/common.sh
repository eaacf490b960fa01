# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are used by the scripts that source this file
# Shared by scripts/provision and scripts/services: where things live, the
# ports of the native services, and how steps are printed.
# Sourcing this file defines variables and functions only; it starts nothing.

SATMON_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# True when every directory from / down to $1 can be entered by other users.
searchable_by_others() {
    local dir=$1 mode
    while [[ -n $dir && $dir != / ]]; do
        mode="$(stat -c %A "$dir" 2>/dev/null)" || return 1
        [[ ${mode:9:1} == [xt] ]] || return 1
        dir="$(dirname "$dir")"
    done
}

# Data and logs live in var/. PostgreSQL, Elasticsearch and nginx's workers run as
# their own users and must reach their folders there; a checkout under a private
# directory (a 0700 home, or mktemp -d) cannot give them that. Its var/ then lives
# under /var/lib/satmon/<checkout id>, and var/ in the checkout is a link to it.
satmon_var_dir() {
    if searchable_by_others "$SATMON_ROOT"; then
        printf '%s/var' "$SATMON_ROOT"
    else
        printf '/var/lib/satmon/%s' "$(printf '%s' "$SATMON_ROOT" | sha1sum | cut -c1-12)"
    fi
}

SATMON_VAR="${SATMON_VAR:-$(satmon_var_dir)}"
if [[ $SATMON_VAR != "$SATMON_ROOT/var" && ! -L $SATMON_ROOT/var ]]; then
    mkdir -p "$SATMON_VAR"
    chmod 0755 /var/lib/satmon 2>/dev/null || true
    if [[ -d $SATMON_ROOT/var ]]; then
        cp -a "$SATMON_ROOT/var/." "$SATMON_VAR/" && rm -rf "${SATMON_ROOT:?}/var"
    fi
    ln -s "$SATMON_VAR" "$SATMON_ROOT/var"
fi
SATMON_LOG_DIR="$SATMON_VAR/log"
SATMON_RUN_DIR="$SATMON_VAR/run"
SATMON_TEMPLATES="$SATMON_ROOT/deploy/services"
SATMON_VENV="$SATMON_ROOT/.venv"
# Downloads (Maven repository, Kafka jars, the Elasticsearch zip) are cached here,
# so a second provisioning run downloads nothing.
SATMON_CACHE="${SATMON_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/satmon}"
# Unpacked software that a dedicated system user must read (Elasticsearch):
# the cache under $HOME is not reachable for other users when $HOME is 0700.
SATMON_OPT="/opt/satmon"

# Ports: the seed's, all bound to 127.0.0.1.
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093
VICTORIAMETRICS_PORT=8428
POSTGRES_PORT=5432
REDIS_PORT=6379
RABBITMQ_PORT=5672
RABBITMQ_MANAGEMENT_PORT=15672
RABBITMQ_DIST_PORT=25672
ELASTICSEARCH_PORT=9200
ELASTICSEARCH_TRANSPORT_PORT=9300
TRITON_HTTP_PORT=8500
TRITON_GRPC_PORT=8501
TRITON_METRICS_PORT=8502
NGINX_PORT=8088
API_PORT=8000

# The project's database role, password and database (the defaults of .env.example).
POSTGRES_ROLE=satmon
POSTGRES_PASSWORD=satmon
POSTGRES_DB=satmon

# Versions fetched from Maven Central (Kafka's is the pom's kafka.version).
ELASTICSEARCH_VERSION=8.19.21
ELASTICSEARCH_USER=satmon-es

if [[ -t 1 ]]; then
    _c_bold=$'\e[1m' _c_red=$'\e[31m' _c_green=$'\e[32m' _c_yellow=$'\e[33m' _c_off=$'\e[0m'
else
    _c_bold='' _c_red='' _c_green='' _c_yellow='' _c_off=''
fi

say_step() { printf '%s==> %s%s\n' "$_c_bold" "$*" "$_c_off"; }
say() { printf '    %s\n' "$*"; }
say_ok() { printf '    %s%s%s\n' "$_c_green" "$*" "$_c_off"; }
say_warn() { printf '    %s%s%s\n' "$_c_yellow" "$*" "$_c_off" >&2; }
say_error() { printf '%serror: %s%s\n' "$_c_red" "$*" "$_c_off" >&2; }
die() {
    say_error "$*"
    exit 1
}

# Seconds since the epoch with milliseconds, and the time since such a moment.
now_seconds() { date +%s.%N; }
seconds_since() { awk -v start="$1" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1fs", now - start }'; }

# Writes a template to a file, replacing each @KEY@ given as KEY=VALUE.
# Fails if a placeholder is left over, so a template and its caller cannot drift apart.
render_template() {
    local template=$1 target=$2
    shift 2
    local content pair key value
    content="$(<"$template")"
    for pair in "$@"; do
        key=${pair%%=*}
        value=${pair#*=}
        content=${content//@"$key"@/$value}
    done
    if [[ $content =~ @[A-Z_]+@ ]]; then
        die "template $template: no value for ${BASH_REMATCH[0]}"
    fi
    printf '%s\n' "$content" >"$target"
}

java_home() {
    local java
    java="$(command -v java)" || return 1
    dirname "$(dirname "$(readlink -f "$java")")"
}

# Fails with a message naming the user when a system user cannot reach a path
# (e.g. a clone under a 0700 home directory).
require_reachable_by() {
    local user=$1 path=$2
    if ! runuser -u "$user" -- test -x "$path"; then
        die "user $user cannot reach $path (a parent directory is not searchable by others); clone the repository somewhere like /work or /srv"
    fi
}

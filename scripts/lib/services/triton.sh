# shellcheck shell=bash
# Triton Inference Server: the tritonserver binary from the nvidia-pytriton wheel
# in .venv (the `triton` dependency group), CPU only. HTTP 127.0.0.1:8500, gRPC
# 127.0.0.1:8501, metrics 127.0.0.1:8502; model repository: model_repository/.
#
# Model control: explicit, with --load-model=* so every model present at start is
# loaded; later changes are loaded with POST /v2/repository/models/<name>/load
# (poll mode can pick up a model directory that is still being written).
# It starts and reports ready with an empty repository. A model that fails to
# load does not stop the server (--exit-on-error=false) and does not make the
# server unready (--strict-readiness=false): model_repository/ changes while
# models are developed, and each model's own readiness is
# /v2/models/<name>/ready. `scripts/services up` lists the models that failed.
#
# The python backend folder (var/triton/backends/python) is assembled from the
# wheel at each start: libtriton_python.so, triton_python_backend_utils.py and the
# stub built for the venv's Python version.
# Environment of the server, inherited by the stub that runs model.py:
#  - PATH starts with .venv/bin: the stub's embedded interpreter finds "python3"
#    there, sees .venv/pyvenv.cfg and so imports from the venv's site-packages
#    (numpy, torch, the satmon package). It ignores PYTHONPATH.
#  - LD_LIBRARY_PATH: the wheel's nvidia_pytriton.libs (the stub's libcudart,
#    whose relative rpath breaks once the stub is copied) and the directory of
#    the libpython that matches the venv's interpreter (otherwise Debian's
#    libpython3.11, of another patch level, would be loaded).
# NVML/DCGM warnings at start are expected without a GPU.

triton_site_packages() {
    "$SATMON_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'
}
triton_dist_dir() { printf '%s/pytriton/tritonserver' "$(triton_site_packages)"; }
triton_model_repository() { printf '%s/model_repository' "$SATMON_ROOT"; }
triton_backend_dir() { printf '%s/triton/backends' "$SATMON_VAR"; }

triton_log_file() { log_file_of triton; }
triton_endpoint() {
    printf 'http://127.0.0.1:%s (grpc :%s, metrics :%s)' \
        "$TRITON_HTTP_PORT" "$TRITON_GRPC_PORT" "$TRITON_METRICS_PORT"
}
triton_start_timeout() { echo 120; }
triton_is_running() { is_process_running triton; }

triton_health() {
    curl -fsS --max-time 3 -o /dev/null "http://127.0.0.1:$TRITON_HTTP_PORT/v2/health/ready" 2>/dev/null
}

# Copies the python backend from the wheel into var/triton/backends/python.
triton_assemble_backend() {
    local dist python_version target
    [[ -x $SATMON_VENV/bin/python ]] || die "triton: $SATMON_VENV missing; run scripts/provision --only python"
    dist="$(triton_dist_dir)"
    [[ -x $dist/bin/tritonserver ]] ||
        die "triton: $dist/bin/tritonserver missing (the triton dependency group); run scripts/provision --only triton"
    python_version="$("$SATMON_VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    [[ -x $dist/python_backend_stubs/$python_version/triton_python_backend_stub ]] ||
        die "triton: the wheel has no python backend stub for Python $python_version"
    target="$(triton_backend_dir)/python"
    mkdir -p "$target"
    local source
    for source in "$dist/backends/python/libtriton_python.so" \
        "$dist/backends/python/triton_python_backend_utils.py" \
        "$dist/python_backend_stubs/$python_version/triton_python_backend_stub"; do
        replace_file_if_changed "$source" "$target/$(basename "$source")"
    done
}

# Copies SOURCE over TARGET unless they are equal, by rename: a running server's
# stub or library cannot be overwritten in place ("Text file busy").
replace_file_if_changed() {
    local source=$1 target=$2
    cmp -s "$source" "$target" && return 0
    cp -p "$source" "$target.new"
    mv -f "$target.new" "$target"
}

triton_library_path() {
    local libpython_dir
    libpython_dir="$("$SATMON_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR"))')"
    printf '%s/nvidia_pytriton.libs:%s' "$(triton_site_packages)" "$libpython_dir"
}

triton_start() {
    local repository
    repository="$(triton_model_repository)"
    require_port_free triton "$TRITON_HTTP_PORT"
    require_port_free triton "$TRITON_GRPC_PORT"
    require_port_free triton "$TRITON_METRICS_PORT"
    triton_assemble_backend
    if [[ ! -d $repository ]]; then
        mkdir -p "$repository"
        touch "$repository/.gitkeep"
    fi
    start_detached triton env \
        PATH="$SATMON_VENV/bin:$PATH" \
        LD_LIBRARY_PATH="$(triton_library_path)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
        "$(triton_dist_dir)/bin/tritonserver" \
        --model-repository="$repository" \
        --backend-directory="$(triton_backend_dir)" \
        --model-control-mode=explicit --load-model='*' \
        --exit-on-error=false --strict-readiness=false \
        --http-address=127.0.0.1 --http-port="$TRITON_HTTP_PORT" \
        --grpc-address=127.0.0.1 --grpc-port="$TRITON_GRPC_PORT" \
        --metrics-address=127.0.0.1 --metrics-port="$TRITON_METRICS_PORT" \
        --log-verbose=0
}

# Prints a warning for each model in the repository that is not loaded, with
# Triton's reason (called by scripts/services once the server is healthy).
triton_after_healthy() {
    local index
    index="$(curl -fsS --max-time 5 -X POST -d '{}' \
        "http://127.0.0.1:$TRITON_HTTP_PORT/v2/repository/index" 2>/dev/null)" || return 0
    "$SATMON_VENV/bin/python" - "$index" <<'PY' || true
import json, sys
for model in json.loads(sys.argv[1]):
    if model.get("state") != "READY":
        print(f"    warning: triton model {model['name']!r} is {model.get('state') or 'not loaded'}: "
              f"{model.get('reason') or 'see var/log/triton.log'}", file=sys.stderr)
PY
}

# Triton waits for in-flight requests and unloads models (a few seconds).
triton_stop() { stop_recorded_process triton 45; }

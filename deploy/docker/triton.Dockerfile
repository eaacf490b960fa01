# syntax=docker/dockerfile:1
# Triton Inference Server with satmon installed, since the models' python backend
# (model_repository/*/1/model.py) runs satmon's serving code. Built from the
# repository root:
#   docker build -f deploy/docker/triton.Dockerfile -t satmon-triton .

FROM python:3.11-slim AS requirements
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /src
COPY pyproject.toml uv.lock ./
# The locked versions (with hashes) of satmon's runtime dependencies.
RUN uv export --frozen --no-dev --no-emit-project --format requirements-txt -o /requirements.txt

FROM nvcr.io/nvidia/tritonserver:25.08-py3
COPY --from=requirements /requirements.txt /tmp/requirements.txt
# Triton's python backend runs the image's system Python (3.12).
RUN python3 -m pip install --no-cache-dir --break-system-packages -r /tmp/requirements.txt
COPY pyproject.toml README.md /src/
COPY satmon /src/satmon
RUN python3 -m pip install --no-cache-dir --break-system-packages --no-deps /src && rm -rf /src
COPY model_repository /models
EXPOSE 8000 8001 8002
CMD ["tritonserver", "--model-repository=/models", "--http-port=8000", "--grpc-port=8001", "--metrics-port=8002"]

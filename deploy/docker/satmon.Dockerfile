# syntax=docker/dockerfile:1
# The satmon image: one image, one verb per container (`satmon serve`, `consume`,
# `trigger`, `worker`, `simulate`, `db upgrade`). Built from the repository root:
#   docker build -f deploy/docker/satmon.Dockerfile -t satmon .

FROM python:3.11-slim AS build
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/satmon
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /src
# Dependencies first, from the lock alone, so a code change reuses this layer.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY satmon ./satmon
RUN uv sync --frozen --no-dev --no-editable

FROM python:3.11-slim
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/satmon --create-home satmon
# The same base image, so the environment's interpreter links stay valid.
COPY --from=build /opt/satmon /opt/satmon
ENV PATH=/opt/satmon/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    SATMON_DATA_DIR=/var/lib/satmon
USER satmon
WORKDIR /var/lib/satmon
EXPOSE 8000
ENTRYPOINT ["satmon"]
CMD ["serve"]

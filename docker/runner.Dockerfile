# A gilbench runner: one Python (the base image's, or a free-threaded one installed with uv),
# gilbench installed into /venv; the entrypoint runs `gilbench` (docker/run-column.sh: a partial column, exit 1, lets the chain go on).
ARG PYTHON_IMAGE=python:3.13.5-slim-bookworm
FROM ghcr.io/astral-sh/uv:0.7.13 AS uv
FROM ${PYTHON_IMAGE}
# Empty: use the image's python3.  A version such as 3.13.5t: install that CPython with uv.
ARG UV_PYTHON=""
COPY --from=uv /uv /usr/local/bin/uv
WORKDIR /gilbench
COPY . .
RUN if [ -n "$UV_PYTHON" ]; then \
        UV_PYTHON_INSTALL_DIR=/opt/python uv python install "$UV_PYTHON" \
        && PY="$(UV_PYTHON_INSTALL_DIR=/opt/python uv python find "$UV_PYTHON")"; \
    else PY="$(command -v python3)"; fi \
    && "$PY" -m venv /venv \
    && /venv/bin/pip install --no-cache-dir --editable .
ENTRYPOINT ["/bin/sh", "/gilbench/docker/run-column.sh"]

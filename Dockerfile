# electionbot in a small image. docs/operating.md has the whole story; in short:
#   docker build -t electionbot .
#   docker run -d --restart unless-stopped --env-file electionbot.env -v electionbot-data:/data electionbot
# The base image is pinned to an exact release; --build-arg BASE_IMAGE=... swaps it (CI uses a
# Debian bookworm root made with debootstrap). Python must be 3.11 with venv at /usr/local/bin
# or /usr/bin. With wheels in wheelhouse/ the build is offline (see wheelhouse/README.md).
ARG BASE_IMAGE=python:3.11.13-slim-bookworm

FROM ${BASE_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY requirements.lock ./
COPY wheelhouse/ /wheelhouse/
# Dependencies exactly as locked (hash-checked), from the wheelhouse when it has wheels, else
# from PyPI; then the project itself with the locked build backend, without any index.
RUN set -eu; \
    if ls /wheelhouse/*.whl >/dev/null 2>&1; then index="--no-index --find-links=/wheelhouse"; \
    else index=""; fi; \
    python3 -m venv /opt/electionbot; \
    /opt/electionbot/bin/pip install $index --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY locales ./locales
RUN set -eu; \
    /opt/electionbot/bin/pip install --no-index --no-deps --no-build-isolation /src; \
    /opt/electionbot/bin/pip uninstall -y -q setuptools wheel; \
    /opt/electionbot/bin/pip check; \
    find /opt/electionbot -name '__pycache__' -prune -exec rm -rf {} +; \
    # prove now that the knowledge base and every catalog load: a broken edit fails the build
    cd /; /opt/electionbot/bin/electionbot kb check; \
    /opt/electionbot/bin/electionbot ask --json "What is ENEMO?" | grep -q '"status": "answer"'

FROM ${BASE_IMAGE}
# only the virtualenv crosses over: no sources, build/, *.egg-info, pip caches or wheels
COPY --from=build /opt/electionbot /opt/electionbot
ENV PATH=/opt/electionbot/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ELECTIONBOT_DB=/data/electionbot.sqlite3 \
    ELECTIONBOT_CACHE_DIR=/opt/electionbot/cache \
    ELECTIONBOT_METRICS_ADDR=127.0.0.1:9090
# a fixed numeric user, no passwd entry needed: works on any base, never root
# /keys: where compose keeps the user key, on a volume of its own (docs/operating.md)
RUN mkdir -p /data /keys /opt/electionbot/cache && \
    chown 10001:10001 /data /keys /opt/electionbot/cache && chmod 0700 /keys
USER 10001:10001
# warm the compiled-base cache as the user who reads it (a cache file of another owner is
# ignored as foreign), so that every start skips parsing the YAML (bot/answering/cache.py)
RUN electionbot kb compile
ENV HOME=/data
WORKDIR /data
VOLUME ["/data"]
# 8443: the webhook (run --webhook-url ... --listen 0.0.0.0); 9090: /healthz /readyz /metrics
# when ELECTIONBOT_METRICS_ADDR=0.0.0.0:9090. Polling needs no port at all.
EXPOSE 8443 9090
# liveness: the bot's own /healthz on ELECTIONBOT_METRICS_ADDR (loopback inside the container)
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["electionbot", "health"]
STOPSIGNAL SIGTERM
CMD ["electionbot", "run"]

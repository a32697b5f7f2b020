# electionbot: the Telegram bot in a small image. Build: docker build -t electionbot .
# Run:   docker run -e TELEGRAM_BOT_TOKEN=... -v electionbot-data:/data electionbot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ELECTIONBOT_DB=/data/electionbot.sqlite3

WORKDIR /app
COPY pyproject.toml README.md babel.cfg ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY locales ./locales

# Install, then prove at build time that the knowledge base and every catalog load: a broken
# edit fails the build instead of the running bot. Catalogs are compiled to .mo here as well,
# for tools that want them; the bot itself compiles the .po files in memory at start-up.
RUN pip install . \
    && electionbot kb check \
    && for lang in locales/*/; do \
         for domain in messages knowledge; do \
           pybabel compile -D "$domain" -d locales -l "$(basename "$lang")" --statistics; \
         done; \
       done \
    && electionbot ask --json "What is ENEMO?" >/dev/null \
    && useradd --system --uid 10001 --home /data electionbot \
    && mkdir -p /data && chown electionbot /data

USER electionbot
VOLUME ["/data"]
# Webhook mode listens here when started with --webhook-url; polling needs no port.
EXPOSE 8443
CMD ["electionbot", "run"]

# carework bot: `docker run -e CAREWORK_TELEGRAM_TOKEN=... -v carework-data:/data carework`
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    CAREWORK_DATABASE=/data/carework.db \
    CAREWORK_SURVEY=/app/surveys/carework.yaml

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY carework_core ./carework_core
COPY botapi_emulator ./botapi_emulator
COPY rehearsal ./rehearsal
COPY surveys ./surveys
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /data carework \
    && mkdir -p /data && chown carework /data

USER carework
VOLUME ["/data"]
CMD ["carework", "run"]

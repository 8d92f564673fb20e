# One image for the processor and the bot (and `dozor` admin commands).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLCONFIGDIR=/app/.matplotlib

# `dozor backup` / `restore` run pg_dump and pg_restore, as new as the server (compose runs
# PostgreSQL 16; Debian's own client is 15): the client from PostgreSQL's own repository.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-common \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends postgresql-client-16 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY alembic ./alembic
COPY core ./core
COPY drivers ./drivers
COPY processor ./processor
COPY bot ./bot
COPY device_firmware ./device_firmware
COPY cli ./cli
# The font cache is built once here, not by the first chart (the user cannot write /app).
RUN pip install . && useradd --system --uid 10001 dozor \
    && python -c "import matplotlib.font_manager" && chown -R dozor /app/.matplotlib
USER dozor

CMD ["dozor", "run"]

# Cornerstones in a container: the bot, its content, and a SQLite database on a volume.
#
#   docker build -t cornerstones .
#   docker run -d --name cornerstones -e TELEGRAM_BOT_TOKEN=… -v cornerstones-data:/data cornerstones
#   docker exec cornerstones cornerstones org create "Oak Tree School" --calls-itself "the school"

# ---- build the wheel: the package as pip installs it, without the source tree ----
FROM python:3.11-slim AS wheel
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# ---- the image that runs ----
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The PDF export (WeasyPrint) draws text with Pango and HarfBuzz from the system, and needs a
# font: the slim image has none of them. Debian's security updates decide the versions.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY --from=wheel /wheels /tmp/wheels
RUN pip install --no-cache-dir /tmp/wheels/*.whl \
    && rm -rf /tmp/wheels

# content/ is data beside the code, not inside the installed package: say where it is.
COPY content /app/content
ENV CORNERSTONES_CONTENT_DIR=/app/content \
    CORNERSTONES_DATABASE_URL=sqlite+aiosqlite:////data/cornerstones.db

# A user of its own, numeric so any host can resolve it, owning only the database folder.
RUN useradd --system --user-group --uid 10001 --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin cornerstones \
    && mkdir /data \
    && chown 10001:10001 /data
VOLUME ["/data"]
USER 10001:10001
WORKDIR /data

# Webhook mode listens here (`cornerstones run --webhook URL`); long polling needs no port.
EXPOSE 8080

# Bring the database up to date, then run; `exec` so the bot receives docker's stop signal.
CMD ["sh", "-c", "cornerstones db upgrade && exec cornerstones run"]

# cocbot container image: `docker build -t cocbot .` then see compose.yaml (PostgreSQL + two replicas).
# Build stage: a wheel of this checkout, so the runtime image holds no source tree, build tools or test extras.
FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PORT=3000 \
    COCBOT_CONFIG=/etc/cocbot/cocbot.yml \
    DATABASE_URL=sqlite:////var/lib/cocbot/cocbot.sqlite3
COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl && rm -rf /wheels \
    && useradd --system --uid 10001 --home-dir /var/lib/cocbot --create-home --shell /usr/sbin/nologin cocbot \
    && mkdir -p /etc/cocbot
# Runs unprivileged; the only writable place it needs is the SQLite directory (unused with PostgreSQL).
USER cocbot
WORKDIR /var/lib/cocbot
VOLUME ["/var/lib/cocbot"]
EXPOSE 3000
# /healthz answers once the HTTP server is up (in Socket Mode too); python is the only client in a slim image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '3000')}/healthz\", timeout=4)"]
ENTRYPOINT ["cocbot"]
CMD ["run"]

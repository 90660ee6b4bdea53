# The registry's image. One image, three processes (compose.yaml runs them): the web server
# (the default command), the migrations (flask --app wsgi db upgrade, once per release) and
# the worker (flask --app wsgi worker).

# Build: every dependency as a wheel (with the compilers, for any that ships only its source)
# and the translations compiled. Nothing of this stage but the wheels and the compiled
# package reaches the final image.
FROM python:3.11-slim-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential=12.9 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY registry registry
COPY transfers transfers
# The project's own wheel is dropped: the application runs from /app beside its templates,
# static files and migrations, which live outside the package.
RUN pip wheel --no-cache-dir --wheel-dir /wheels . \
    && rm /wheels/subprocessor_registry-*.whl \
    && pip install --no-cache-dir --no-index --find-links /wheels /wheels/babel-*.whl \
    && pybabel compile -d registry/translations

# Run: the slim Python, the wheels installed, the code owned by root and read-only to the
# unprivileged user the processes run as; only instance/ is theirs to write.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    INSTANCE_PATH=/app/instance \
    WEB_BIND=0.0.0.0:8000 \
    LOG_FORMAT=json
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links /wheels /wheels/*.whl \
    && groupadd --system --gid 10001 registry \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /app \
        --shell /usr/sbin/nologin registry
WORKDIR /app
COPY --from=build /src/registry registry
COPY transfers transfers
COPY templates templates
COPY static static
COPY migrations migrations
COPY wsgi.py gunicorn.conf.py ./
RUN mkdir instance && chown 10001:10001 instance
USER 10001:10001
VOLUME ["/app/instance"]
EXPOSE 8000
# Alive, not ready: /healthz does no I/O, so a slow database never gets a live server restarted.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]

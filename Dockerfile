# pantau: the stream worker and connectors image used by docker-compose.yml.
#   docker build -t pantau .
#   docker run --rm pantau --help
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Every dependency ships a manylinux wheel for CPython 3.11 (x86_64), so no compiler is needed.
WORKDIR /src
COPY . /src
RUN pip install . \
    && rm -rf /src

# Run as an unprivileged user; the working directory is where Faust keeps its small local state.
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin pantau \
    && mkdir -p /var/lib/pantau/connectors \
    && chown -R pantau:pantau /var/lib/pantau
USER pantau
WORKDIR /var/lib/pantau

# Prometheus metrics when PANTAU_METRICS_PORT / PANTAU_CONNECTORS_METRICS_PORT are set
# (docker-compose.yml uses 9108 for workers and 9109 for the connector runner).
EXPOSE 9108 9109

ENTRYPOINT ["pantau"]
CMD ["worker"]

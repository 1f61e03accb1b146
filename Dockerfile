# syntax=docker/dockerfile:1
#
# edgespot container image.
#
#   docker build -t edgespot .
#   docker run --rm -p 8443:8443 -v "$PWD/site:/etc/edgespot:ro" --stop-timeout 35 edgespot
#
# The config is read from /etc/edgespot/edge.yaml: mount a directory holding edge.yaml and every file it
# names (certificates, keys, keysets, KEK, admin token), with paths in edge.yaml relative to it. The process
# runs as uid 10001, so those files must be readable by that uid (for instance `chown -R 10001 site/`, keeping
# keys at mode 0600), or run with `--user "$(id -u)"`.
#
# The health check asks the admin listener's /readyz at 127.0.0.1:9901, the default `admin.address`; keep the
# admin listener there (or change HEALTHCHECK). Port 9901 is exposed for configs that bind the admin listener
# to 0.0.0.0 behind a private network; by default it stays on loopback.
#
# On SIGTERM edgespot drains for up to `server.shutdownGrace` (30s by default), which is longer than Docker's
# default 10 s stop timeout: give it `--stop-timeout 35` (or `stop_grace_period: 35s` in compose).
#
# With --read-only, add --tmpfs /tmp: Netty and Conscrypt unpack their native libraries there.
#
# Extra JVM flags go in JAVA_TOOL_OPTIONS, e.g. -e JAVA_TOOL_OPTIONS=-XX:MaxDirectMemorySize=512m.
#
# A keys.kek held by a KMS (aws-kms://...) needs a KMS client, which the image does not bundle: mount its jars
# into /opt/edgespot/plugins (-v "$PWD/kms:/opt/edgespot/plugins:ro"); docs/configuration.md, `keys`, says which.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The cache mount keeps downloaded dependencies between builds (BuildKit); it is not part of any layer.
RUN --mount=type=cache,target=/root/.m2 mvn -B -DskipTests package

FROM eclipse-temurin:17-jre
# curl is used by HEALTHCHECK only.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 edgespot \
    && useradd --system --uid 10001 --gid edgespot --home-dir /opt/edgespot --no-create-home \
       --shell /usr/sbin/nologin edgespot \
    && mkdir -p /etc/edgespot /opt/edgespot/plugins
COPY --from=build /src/proxy/target/edgespot.jar /opt/edgespot/edgespot.jar
WORKDIR /opt/edgespot
USER 10001:10001
EXPOSE 8443 9901
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:9901/readyz || exit 1
# G1 with the heap at half the container's memory: the rest is for direct buffers (Netty), metaspace and
# thread stacks. Exit on OutOfMemoryError so that the orchestrator restarts a clean process.
ENTRYPOINT ["java", "-XX:+UseG1GC", "-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError", \
            "-cp", "/opt/edgespot/edgespot.jar:/opt/edgespot/plugins/*", "io.edgespot.proxy.cli.Main"]
CMD ["run", "--config", "/etc/edgespot/edge.yaml"]

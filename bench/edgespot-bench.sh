#!/usr/bin/env bash
# edgespot-bench.sh - runs bench.sh with edgespot in its candidate slots.
#
#   ./edgespot-bench.sh                               # PROFILE=quick: main, tls, ws in at most 15 min (~13)
#   PROFILE=full ./edgespot-bench.sh                  # the harness defaults: main x2, 10-s runs, ws x2 (~37 min)
#   SECTIONS=main ./edgespot-bench.sh                 # plain-HTTP and cache-hit table only (about 6 min)
#   SECTIONS=setup ./edgespot-bench.sh                # render the configs, make the keys, 'edgespot check' them
#   SECTIONS=main EQUAL_HEADERS_PEER=1 ./edgespot-bench.sh   # + nginx-proxy-headers: nginx doing edgespot's header work
#   SECTIONS=tls EQUAL_HEADERS_PEER=1 ./edgespot-bench.sh    # + nginx-tls-headers-h1/-h2, the same over TLS
#   EDGESPOT_GC=G1GC EDGESPOT_HEAP=1g ./edgespot-bench.sh
#
# Three edgespot JVMs, each pinned by the harness to SERVER_CPU like every peer, with the GC, a fixed heap
# (-Xms = -Xmx) and one event loop set explicitly:
#   edgespot             'run --config edgespot.yaml': pass-through proxy (main table, TLS, WebSocket)
#   edgespot-cache       'run --config edgespot-cache.yaml': cache hits, entries sealed under the tenant's keyset
#   edgespot-cache-plain the same config through the benchmark-only PlaintextCacheEdge (edgespot-jmh.jar): the
#                        cache in clear, so edgespot-cache against it is the cost of the encryption
# Every other knob of bench.sh (DURATION, ROUNDS, SIZES, PIN, ...) passes through and wins over the profile;
# see README.md.
set -euo pipefail

# Knobs are environment variables only: any argument (e.g. --help) prints the header above instead of running.
if [ $# -gt 0 ]; then
  sed -n '2,/^set -/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  case $1 in -h|--help|help) exit 0 ;; *) exit 2 ;; esac
fi

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)

PROFILE=${PROFILE:-quick}                    # quick (<= 15 min) or full (the harness's defaults)
EDGESPOT_JAR=${EDGESPOT_JAR:-$ROOT/proxy/target/edgespot.jar}
EDGESPOT_JMH_JAR=${EDGESPOT_JMH_JAR:-$ROOT/loadtest/target/edgespot-jmh.jar}   # PlaintextCacheEdge
EDGESPOT_BUILD=${EDGESPOT_BUILD:-0}          # 1 = rebuild both jars first; they are built anyway when missing
EDGESPOT_MVN=${EDGESPOT_MVN:-mvn -B -q -o}   # how to call Maven for that build
EDGESPOT_GC=${EDGESPOT_GC:-ParallelGC}       # ParallelGC or G1GC; never left to ergonomics (SerialGC on 1 CPU)
EDGESPOT_HEAP=${EDGESPOT_HEAP:-512m}         # -Xms and -Xmx: fixed, so RSS in the WS test shows off-heap growth
EDGESPOT_DIRECT=${EDGESPOT_DIRECT:-256m}     # -XX:MaxDirectMemorySize (Netty's pooled direct buffers)
EDGESPOT_JAVA_OPTS=${EDGESPOT_JAVA_OPTS:-}   # extra JVM flags, appended
EDGESPOT_PORT=${EDGESPOT_PORT:-18090}        # plain listener (main table, WebSocket test)
EDGESPOT_TLS_PORT=${EDGESPOT_TLS_PORT:-18490}
EDGESPOT_CACHE=${EDGESPOT_CACHE:-1}          # 1 = the two cache candidates below in the main table
EQUAL_HEADERS_PEER=${EQUAL_HEADERS_PEER:-0}  # 1 = nginx-proxy-headers too: nginx-proxy doing edgespot's header work
NGINX_HEADERS_PORT=18086                     # the plain listen port in nginx-proxy-headers.conf
NGINX_TLS_HEADERS_PORT=18447                 # its TLS listen port
EDGESPOT_CACHE_PORT=${EDGESPOT_CACHE_PORT:-18091}              # edgespot-cache (encrypted entries)
EDGESPOT_CACHE_PLAIN_PORT=${EDGESPOT_CACHE_PLAIN_PORT:-18092}  # edgespot-cache-plain (benchmark-only, in clear)

die() { echo "edgespot-bench: $*" >&2; exit 1; }

case $PROFILE in
  quick)
    # 3 interleaved rounds of 5-s runs: main table 8 targets x 2 sizes (48 runs), TLS keep-alive 4 targets x 2
    # sizes (24) and handshakes 4 targets (12) without the plain-HTTP reference rows (they are in the main table),
    # WebSocket memory of nginx, haproxy and edgespot at 9000 connections once each. Before the first measurement
    # the edgespot JVMs get 90 s of load spread over all their paths (plain, TLS h1 and h2, cache hits; 1 KiB and
    # 64 KiB), then 10 s per target and size as before its rounds: the JIT compiler shares the one pinned CPU, and
    # without the spread warm-up it was still compiling the TLS and HTTP/2 code through the TLS rounds. bench.sh
    # estimates about 14.5 min (about 13 on a quiet machine), refuses to start if its estimate exceeds MAX_TOTAL_S,
    # and stops (writing the summary of what ran) if the run itself goes past it.
    : "${SECTIONS:=main tls ws}" "${ROUNDS:=3}" "${DURATION:=5}" "${MAIN_REPEATS:=1}" "${WARMUP:=2}"
    : "${CANDIDATE_WARMUP:=10}" "${CANDIDATE_PREWARM_S:=90}" "${TLS_REFS:=0}" "${WS_REPS:=1}" "${MAX_TOTAL_S:=900}"
    export SECTIONS ROUNDS DURATION MAIN_REPEATS WARMUP CANDIDATE_WARMUP CANDIDATE_PREWARM_S TLS_REFS WS_REPS \
      MAX_TOTAL_S ;;
  full) ;;
  *) die "PROFILE must be quick or full, got '$PROFILE'" ;;
esac
case $EDGESPOT_GC in
  ParallelGC|G1GC) ;;
  *) die "EDGESPOT_GC must be ParallelGC or G1GC, got '$EDGESPOT_GC'" ;;
esac
[[ $EDGESPOT_HEAP =~ ^[0-9]+[kKmMgG]$ ]] || die "EDGESPOT_HEAP must look like 512m or 1g, got '$EDGESPOT_HEAP'"
command -v java >/dev/null || die "java not found (apt-get install openjdk-17-jre-headless)"

# Both jars from one reactor build: edgespot-jmh.jar unpacks the proxy module of the same build.
if [ "$EDGESPOT_BUILD" = 1 ] || [ ! -f "$EDGESPOT_JAR" ] || { [ "$EDGESPOT_CACHE" = 1 ] && [ ! -f "$EDGESPOT_JMH_JAR" ]; }; then
  command -v mvn >/dev/null || die "a jar is missing and mvn is not installed"
  echo "edgespot-bench: building $EDGESPOT_JAR and $EDGESPOT_JMH_JAR" >&2
  (cd "$ROOT" && $EDGESPOT_MVN -Pjmh -pl loadtest -am package -DskipTests) || die "build failed"
fi
[ -f "$EDGESPOT_JAR" ] || die "no $EDGESPOT_JAR"
if [ "${SECTIONS:-}" != setup ]; then
  timeout 60 java -jar "$EDGESPOT_JAR" run --help >/dev/null 2>&1 \
    || die "$EDGESPOT_JAR has no 'run' subcommand; build one that has it (EDGESPOT_BUILD=1), or use SECTIONS=setup"
fi

printf -v JAR_Q '%q' "$EDGESPOT_JAR"
printf -v JMH_Q '%q' "$EDGESPOT_JMH_JAR"
printf -v PREP_Q '%q' "$HERE/edgespot-prepare.sh"
# -XX:ActiveProcessorCount=1 sizes the JVM's own pools (JIT, GC) for the one pinned CPU even with PIN=0;
# -Dio.netty.eventLoopThreads=1 caps any Netty default group; the config's server.eventLoops: 1 is the main knob.
JAVA_FLAGS="-XX:+Use$EDGESPOT_GC -Xms$EDGESPOT_HEAP -Xmx$EDGESPOT_HEAP -XX:MaxDirectMemorySize=$EDGESPOT_DIRECT"
JAVA_FLAGS+=" -XX:+AlwaysPreTouch -XX:ActiveProcessorCount=1 -XX:+ExitOnOutOfMemoryError"
# Leak detection off in every edgespot JVM: edgespot.jar turns it off itself, the plaintext-cache baseline (not
# started through edgespot's main) would otherwise sample and touch buffers the encrypted row does not.
JAVA_FLAGS+=" -Dio.netty.eventLoopThreads=1 -Dio.netty.leakDetection.level=disabled $EDGESPOT_JAVA_OPTS"

export CANDIDATE_NAME=${CANDIDATE_NAME:-edgespot}
export CANDIDATE_CONF="$HERE/edgespot.yaml"
# $RUN_DIR is expanded by the harness when it runs these commands
CHECK="bash $PREP_Q $JAR_Q"
export CANDIDATE_CMD="java $JAVA_FLAGS -jar $JAR_Q run --config \$RUN_DIR/conf/edgespot.yaml"
export CANDIDATE_PORT=$EDGESPOT_PORT
export CANDIDATE_TLS_PORT=$EDGESPOT_TLS_PORT
export CANDIDATE_TLS_FULL_PORT=${EDGESPOT_TLS_FULL_PORT:-18491}
export CANDIDATE_WS_PORT=$EDGESPOT_PORT
if [ "$EDGESPOT_CACHE" = 1 ]; then
  [ -f "$EDGESPOT_JMH_JAR" ] || die "no $EDGESPOT_JMH_JAR (EDGESPOT_BUILD=1 builds it)"
  CANDIDATE_CONF+=" $HERE/edgespot-cache.yaml"
  CHECK+=" $CANDIDATE_NAME-cache=$EDGESPOT_CACHE_PORT $CANDIDATE_NAME-cache-plain=$EDGESPOT_CACHE_PLAIN_PORT"
  export CANDIDATE_EXTRA="$CANDIDATE_NAME-cache|$EDGESPOT_CACHE_PORT|cache|java $JAVA_FLAGS -jar $JAR_Q run --config \$RUN_DIR/conf/cache/$CANDIDATE_NAME-cache.yaml
$CANDIDATE_NAME-cache-plain|$EDGESPOT_CACHE_PLAIN_PORT|cache|java $JAVA_FLAGS -cp $JMH_Q io.edgespot.loadtest.bench.PlaintextCacheEdge --config \$RUN_DIR/conf/cache/$CANDIDATE_NAME-cache-plain.yaml"
  # what the encryption costs: the same server and load, entries sealed against entries in clear
  export BENCH_COST_PAIRS=${BENCH_COST_PAIRS:-$CANDIDATE_NAME-cache:$CANDIDATE_NAME-cache-plain}
fi
if [ "$EQUAL_HEADERS_PEER" = 1 ]; then
  # an extra row in the main table, with its ratio to nginx-proxy: what the same header work costs nginx,
  CANDIDATE_CONF+=" $HERE/nginx-proxy-headers.conf"
  CANDIDATE_EXTRA+="${CANDIDATE_EXTRA:+$'\n'}nginx-proxy-headers|$NGINX_HEADERS_PORT|proxy|nginx -g 'daemon off;' -c \$RUN_DIR/conf/nginx-proxy-headers.conf"
  export CANDIDATE_EXTRA
  # and two rows in the TLS table, nginx-tls-headers-h1 and -h2, against nginx-tls-h1 and -h2
  export TLS_EXTRA="nginx-tls-headers=$NGINX_TLS_HEADERS_PORT"
fi
export CANDIDATE_CHECK=$CHECK
# One JVM holds both sockets of every proxied WebSocket under the 20000-fd hard limit: 9000, for every proxy.
export WS_CONNS=${WS_CONNS:-9000}
# Java heap per WebSocket besides RSS (the heap is fixed and pre-touched, so RSS shows only off-heap growth):
# GC.class_histogram forces a full GC and totals the live objects; non-JVM proxies are skipped.
export WS_MEM_HOOK=${WS_MEM_HOOK:-'for p in $PIDS; do case $(readlink /proc/$p/exe) in */java) jcmd $p GC.class_histogram | tail -1; jcmd $p GC.heap_info ;; esac; done'}

exec "$HERE/bench.sh"

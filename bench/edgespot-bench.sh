#!/usr/bin/env bash
# edgespot-bench.sh - runs bench.sh with edgespot in its candidate slot.
#
#   ./edgespot-bench.sh                               # main x2, tls, ws (about 25 min)
#   SECTIONS=main MAIN_REPEATS=1 ./edgespot-bench.sh  # plain-HTTP table only
#   SECTIONS=setup ./edgespot-bench.sh                # render edgespot.yaml and 'edgespot check' it, then stop
#   EDGESPOT_GC=G1GC EDGESPOT_HEAP=1g ./edgespot-bench.sh
#
# edgespot runs 'run --config $BENCH_WORK/run/conf/edgespot.yaml' (rendered from ./edgespot.yaml), pinned by
# the harness to SERVER_CPU like every peer, with the GC, a fixed heap (-Xms = -Xmx) and one event loop set
# explicitly. Every other knob of bench.sh (DURATION, ROUNDS, SIZES, PIN, ...) passes through; see README.md.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)

EDGESPOT_JAR=${EDGESPOT_JAR:-$ROOT/proxy/target/edgespot.jar}
EDGESPOT_BUILD=${EDGESPOT_BUILD:-0}          # 1 = rebuild the jar first (mvn package); it is built anyway when missing
EDGESPOT_GC=${EDGESPOT_GC:-ParallelGC}       # ParallelGC or G1GC; never left to ergonomics (SerialGC on 1 CPU)
EDGESPOT_HEAP=${EDGESPOT_HEAP:-512m}         # -Xms and -Xmx: fixed, so RSS in the WS test shows off-heap growth
EDGESPOT_DIRECT=${EDGESPOT_DIRECT:-256m}     # -XX:MaxDirectMemorySize (Netty's pooled direct buffers)
EDGESPOT_JAVA_OPTS=${EDGESPOT_JAVA_OPTS:-}   # extra JVM flags, appended
EDGESPOT_PORT=${EDGESPOT_PORT:-18090}        # plain listener (main table, WebSocket test)
EDGESPOT_TLS_PORT=${EDGESPOT_TLS_PORT:-18490}

die() { echo "edgespot-bench: $*" >&2; exit 1; }

case $EDGESPOT_GC in
  ParallelGC|G1GC) ;;
  *) die "EDGESPOT_GC must be ParallelGC or G1GC, got '$EDGESPOT_GC'" ;;
esac
[[ $EDGESPOT_HEAP =~ ^[0-9]+[kKmMgG]$ ]] || die "EDGESPOT_HEAP must look like 512m or 1g, got '$EDGESPOT_HEAP'"
command -v java >/dev/null || die "java not found (apt-get install openjdk-17-jre-headless)"

if [ "$EDGESPOT_BUILD" = 1 ] || [ ! -f "$EDGESPOT_JAR" ]; then
  command -v mvn >/dev/null || die "$EDGESPOT_JAR is missing and mvn is not installed"
  echo "edgespot-bench: building $EDGESPOT_JAR" >&2
  (cd "$ROOT" && mvn -B -q -pl proxy -am package -DskipTests) || die "build failed"
fi
[ -f "$EDGESPOT_JAR" ] || die "no $EDGESPOT_JAR"
if [ "${SECTIONS:-}" != setup ]; then
  timeout 60 java -jar "$EDGESPOT_JAR" run --help >/dev/null 2>&1 \
    || die "$EDGESPOT_JAR has no 'run' subcommand; build one that has it (EDGESPOT_BUILD=1), or use SECTIONS=setup"
fi

printf -v JAR_Q '%q' "$EDGESPOT_JAR"
# -XX:ActiveProcessorCount=1 sizes the JVM's own pools (JIT, GC) for the one pinned CPU even with PIN=0;
# -Dio.netty.eventLoopThreads=1 caps any Netty default group; the config's server.eventLoops: 1 is the main knob.
JAVA_FLAGS="-XX:+Use$EDGESPOT_GC -Xms$EDGESPOT_HEAP -Xmx$EDGESPOT_HEAP -XX:MaxDirectMemorySize=$EDGESPOT_DIRECT"
JAVA_FLAGS+=" -XX:+AlwaysPreTouch -XX:ActiveProcessorCount=1 -XX:+ExitOnOutOfMemoryError"
JAVA_FLAGS+=" -Dio.netty.eventLoopThreads=1 $EDGESPOT_JAVA_OPTS"

export CANDIDATE_NAME=${CANDIDATE_NAME:-edgespot}
export CANDIDATE_CONF=$HERE/edgespot.yaml
# single quotes in spirit: $RUN_DIR is expanded by the harness when it starts the candidate
export CANDIDATE_CHECK="java -jar $JAR_Q check \$RUN_DIR/conf/edgespot.yaml"
export CANDIDATE_CMD="java $JAVA_FLAGS -jar $JAR_Q run --config \$RUN_DIR/conf/edgespot.yaml"
export CANDIDATE_PORT=$EDGESPOT_PORT
export CANDIDATE_TLS_PORT=$EDGESPOT_TLS_PORT
export CANDIDATE_WS_PORT=$EDGESPOT_PORT
# One JVM holds both sockets of every proxied WebSocket under the 20000-fd hard limit: 9000, for every proxy.
export WS_CONNS=${WS_CONNS:-9000}

exec "$HERE/bench.sh"

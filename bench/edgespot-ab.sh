#!/usr/bin/env bash
# edgespot-ab.sh - two edgespot jars at the same time, for a before/after on a machine whose speed swings.
#
#   edgespot-ab.sh JAR_A JAR_B [ROUNDS] [SECONDS]          # TLS 1.3 h2, 1 KiB (h2load -c8 -m4 each)
#   TOOL=wrk edgespot-ab.sh JAR_A JAR_B                    # plain HTTP/1.1, 1 KiB (wrk -c32 each)
#   FILE=64k.bin edgespot-ab.sh JAR_A JAR_B                # 64 KiB
#
# Both JVMs run on CPU 0 with the origin nginx, each under its own load generator on CPU 1, in the same seconds,
# so that whatever slows the host slows both; one edgespot-bench.sh run alone (minutes apart from the next) saw
# the same jar at 6,000 and at 19,900 req/s. Per round it prints each one's req/s (and wrk's p99) and its requests
# per CPU-second (user + system time of its JVM from /proc). Read the rounds after both have stopped climbing: on
# one CPU shared by two JVMs the JIT compilers take a while. A is served on the harness's ports (18090, 18490),
# B on 18190 and 18590.
#
# It uses what 'SECTIONS=setup bench/edgespot-bench.sh' leaves in $BENCH_WORK/run (the rendered edgespot.yaml,
# nginx-origin.conf and certificates); the files served are made here when missing. The JVM flags are the
# harness's (edgespot-bench.sh), EDGESPOT_JAVA_OPTS appended.
set -euo pipefail

if [ $# -lt 2 ]; then
  sed -n '2,/^set -/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  exit 2
fi
A=$1; B=$2; ROUNDS=${3:-6}; SECS=${4:-10}
BENCH_WORK=${BENCH_WORK:-/tmp/edgespot-bench}
RUN=$BENCH_WORK/run
TOOL=${TOOL:-h2load}
FILE=${FILE:-1k.bin}
WARMUP_S=${WARMUP_S:-20}
[ -f "$RUN/conf/edgespot.yaml" ] || { echo "edgespot-ab: no $RUN/conf/edgespot.yaml; run SECTIONS=setup bench/edgespot-bench.sh" >&2; exit 1; }
mkdir -p "$RUN/data/www"
[ -f "$RUN/data/www/1k.bin" ] || head -c 1024 /dev/urandom >"$RUN/data/www/1k.bin"
[ -f "$RUN/data/www/64k.bin" ] || head -c 65536 /dev/urandom >"$RUN/data/www/64k.bin"
sed -e 's/127.0.0.1:18090/127.0.0.1:18190/; s/127.0.0.1:18490/127.0.0.1:18590/; s/127.0.0.1:18491/127.0.0.1:18591/' \
  "$RUN/conf/edgespot.yaml" >"$RUN/conf/edgespot-ab-b.yaml"

JF="-XX:+UseParallelGC -Xms512m -Xmx512m -XX:MaxDirectMemorySize=256m -XX:+AlwaysPreTouch"
JF+=" -XX:ActiveProcessorCount=1 -Dio.netty.eventLoopThreads=1 -Dio.netty.leakDetection.level=disabled"
JF+=" ${EDGESPOT_JAVA_OPTS:-}"

PIDS=()
cleanup() { [ ${#PIDS[@]} -gt 0 ] && kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT
taskset -c 0 nginx -g 'daemon off;' -c "$RUN/conf/nginx-origin.conf" & PIDS+=($!)
# shellcheck disable=SC2086  # JF is a list of flags
taskset -c 0 java $JF -jar "$A" run --config "$RUN/conf/edgespot.yaml" >"$BENCH_WORK/ab-a.log" 2>&1 & PA=$!
# shellcheck disable=SC2086
taskset -c 0 java $JF -jar "$B" run --config "$RUN/conf/edgespot-ab-b.yaml" >"$BENCH_WORK/ab-b.log" 2>&1 & PB=$!
PIDS+=("$PA" "$PB")
for port in 18090 18190; do
  for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$port/1k.bin" && break; sleep 0.2; done
done

load() { # plain-port tls-port seconds out-file
  if [ "$TOOL" = h2load ]; then
    timeout $(($3 + 30)) taskset -c 1 h2load -t1 -c8 -m4 -D"$3" "https://127.0.0.1:$2/$FILE" 2>&1 \
      | awk '/^finished in/{print $4}' >"$4"
  else
    timeout $(($3 + 30)) taskset -c 1 wrk -t1 -c32 -d"$3"s --latency "http://127.0.0.1:$1/$FILE" 2>&1 \
      | awk '/Requests\/sec/{r=$2} /99%/{p=$2} END{print r, "p99=" p}' >"$4"
  fi
}
both() { # seconds
  load 18090 18490 "$1" "$BENCH_WORK/ab-a.out" & local l1=$!
  load 18190 18590 "$1" "$BENCH_WORK/ab-b.out" & local l2=$!
  wait "$l1" "$l2"
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
per_cpu_s() { # req/s seconds ticks
  awk -v r="$1" -v s="$2" -v t="$3" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.0f", (t > 0 ? r * s * hz / t : 0)}'
}

both "$WARMUP_S"
echo "edgespot-ab: $TOOL $FILE, A=$A B=$B, $ROUNDS rounds of ${SECS}s"
for r in $(seq 1 "$ROUNDS"); do
  a0=$(ticks "$PA"); b0=$(ticks "$PB")
  both "$SECS"
  a1=$(ticks "$PA"); b1=$(ticks "$PB")
  ra=$(cut -d' ' -f1 "$BENCH_WORK/ab-a.out"); rb=$(cut -d' ' -f1 "$BENCH_WORK/ab-b.out")
  ratio=$(awk -v a="$ra" -v b="$rb" 'BEGIN{printf "%.3f", (a > 0 ? b / a : 0)}')
  echo "round $r: A $(cat "$BENCH_WORK/ab-a.out") req/cpu-s=$(per_cpu_s "$ra" "$SECS" $((a1 - a0)))" \
    "| B $(cat "$BENCH_WORK/ab-b.out") req/cpu-s=$(per_cpu_s "$rb" "$SECS" $((b1 - b0))) | B/A $ratio"
done

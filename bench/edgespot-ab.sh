#!/usr/bin/env bash
# edgespot-ab.sh - two edgespot jars, or edgespot and a peer, at the same time, for a before/after or a ratio on a
# machine whose speed swings.
#
#   edgespot-ab.sh JAR_A JAR_B [ROUNDS] [SECONDS]          # TLS 1.3 h2, 1 KiB (h2load -c8 -m4 each)
#   TOOL=wrk edgespot-ab.sh JAR_A JAR_B                    # plain HTTP/1.1, 1 KiB (wrk -c32 each)
#   FILE=64k.bin edgespot-ab.sh JAR_A JAR_B                # 64 KiB
#   TOOL=wrk-tls edgespot-ab.sh JAR_A JAR_B                # TLS 1.3 HTTP/1.1 (wrk -c32 each)
#   TOOL=wrk-full edgespot-ab.sh JAR_A nginx-tls           # a full TLS 1.3 handshake per request (wrk -c16 each,
#                                                          # Connection: close; listeners without tickets)
#   TOOL=wrk edgespot-ab.sh JAR_A haproxy                  # B a peer: nginx-proxy or haproxy (plain), nginx-tls
#
# Both servers run on CPU 0 with the origin nginx, each under its own load generator on CPU 1, in the same
# seconds, so that whatever slows the host slows both; one edgespot-bench.sh run alone (minutes apart from the
# next) saw the same jar at 6,000 and at 19,900 req/s. Per round it prints each one's req/s (and wrk's p99) and its
# requests per CPU-second (user + system time of its JVM, or of the peer's processes, from /proc). Read the rounds
# after both have stopped climbing: on one shared CPU the JIT compilers take a while. A is served on the harness's
# ports (18090, 18490, 18491 without tickets), a jar B on 18190, 18590 and 18591. B may be one of the harness's
# peers instead, on its harness port (nginx-proxy 18081, haproxy 18082, nginx-tls 18443, and 18445 without
# tickets), so that edgespot and the peer are measured in the same seconds.
#
# It uses what 'SECTIONS=setup bench/edgespot-bench.sh' leaves in $BENCH_WORK/run (the rendered edgespot.yaml,
# nginx-origin.conf and certificates); the files served are made here when missing. The JVM flags are the
# harness's (edgespot-bench.sh), EDGESPOT_JAVA_OPTS appended, and B_JAVA_OPTS after them for B alone (one jar
# with and without a flag). B_SED is a sed script for a jar B's config alone (one jar with and without a setting):
#   B_SED='s/transport: auto /transport: epoll/' TOOL=wrk edgespot-ab.sh J J     # io_uring (A) against epoll (B)
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
case $TOOL in h2load|wrk|wrk-tls|wrk-full) ;; *) echo "edgespot-ab: TOOL must be h2load, wrk, wrk-tls or wrk-full" >&2; exit 2 ;; esac
# B's ports (plain, TLS) and how it starts: a jar on ports of its own, or a peer on its harness port
case $B in
  nginx-proxy) B_PLAIN=18081 B_TLS=; B_CMD=(nginx -g 'daemon off;' -c "$RUN/conf/nginx-proxy.conf") ;;
  haproxy)     B_PLAIN=18082 B_TLS=; B_CMD=(haproxy -f "$RUN/conf/haproxy.cfg") ;;
  nginx-tls)   B_PLAIN= B_TLS=18443; B_CMD=(nginx -g 'daemon off;' -c "$RUN/conf/nginx-tls.conf") ;;
  *.jar)
    B_PLAIN=18190 B_TLS=18590; B_CMD=()
    sed -e 's/127.0.0.1:18090/127.0.0.1:18190/; s/127.0.0.1:18490/127.0.0.1:18590/; s/127.0.0.1:18491/127.0.0.1:18591/' \
      "$RUN/conf/edgespot.yaml" | sed -e "${B_SED:-}" >"$RUN/conf/edgespot-ab-b.yaml" ;;
  *) echo "edgespot-ab: B must be a jar, nginx-proxy, haproxy or nginx-tls" >&2; exit 2 ;;
esac
A_TLS=18490
if [ "$TOOL" = wrk-full ]; then # the listeners without session tickets: every connection a full handshake
  A_TLS=18491
  case $B in nginx-tls) B_TLS=18445 ;; *.jar) B_TLS=18591 ;; esac
fi
if { [ "$TOOL" = wrk ] && [ -z "$B_PLAIN" ]; } || { [ "$TOOL" != wrk ] && [ -z "$B_TLS" ]; }; then
  echo "edgespot-ab: $B does not serve what TOOL=$TOOL loads" >&2; exit 2
fi

JF="-XX:+UseParallelGC -Xms512m -Xmx512m -XX:MaxDirectMemorySize=256m -XX:+AlwaysPreTouch"
JF+=" -XX:ActiveProcessorCount=1 -Dio.netty.eventLoopThreads=1 -Dio.netty.leakDetection.level=disabled"
JF+=" ${EDGESPOT_JAVA_OPTS:-}"

PIDS=()
cleanup() { [ ${#PIDS[@]} -gt 0 ] && kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT
taskset -c 0 nginx -g 'daemon off;' -c "$RUN/conf/nginx-origin.conf" & PIDS+=($!)
# shellcheck disable=SC2086  # JF is a list of flags
taskset -c 0 java $JF -jar "$A" run --config "$RUN/conf/edgespot.yaml" >"$BENCH_WORK/ab-a.log" 2>&1 & PA=$!
if [ ${#B_CMD[@]} -eq 0 ]; then
  # shellcheck disable=SC2086
  taskset -c 0 java $JF ${B_JAVA_OPTS:-} -jar "$B" run --config "$RUN/conf/edgespot-ab-b.yaml" >"$BENCH_WORK/ab-b.log" 2>&1 & PB=$!
else
  taskset -c 0 "${B_CMD[@]}" >"$BENCH_WORK/ab-b.log" 2>&1 & PB=$!
fi
PIDS+=("$PA" "$PB")
for port in 18090 $B_PLAIN; do
  for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$port/1k.bin" && break; sleep 0.2; done
done
for port in $B_TLS; do
  for _ in $(seq 1 150); do curl -sk -o /dev/null "https://127.0.0.1:$port/1k.bin" && break; sleep 0.2; done
done

load() { # plain-port tls-port seconds out-file
  local url="http://127.0.0.1:$1/$FILE"
  [ "$TOOL" = wrk ] || url="https://127.0.0.1:$2/$FILE"
  if [ "$TOOL" = h2load ]; then
    timeout $(($3 + 30)) taskset -c 1 h2load -t1 -c8 -m4 -D"$3" "$url" 2>&1 | awk '/^finished in/{print $4}' >"$4"
  elif [ "$TOOL" = wrk-full ]; then
    timeout $(($3 + 30)) taskset -c 1 wrk -t1 -c16 -d"$3"s --latency -H 'Connection: close' "$url" 2>&1 \
      | awk '/Requests\/sec/{r=$2} /99%/{p=$2} END{print r, "p99=" p}' >"$4"
  else
    timeout $(($3 + 30)) taskset -c 1 wrk -t1 -c32 -d"$3"s --latency "$url" 2>&1 \
      | awk '/Requests\/sec/{r=$2} /99%/{p=$2} END{print r, "p99=" p}' >"$4"
  fi
}
both() { # seconds
  load 18090 "$A_TLS" "$1" "$BENCH_WORK/ab-a.out" & local l1=$!
  load "$B_PLAIN" "$B_TLS" "$1" "$BENCH_WORK/ab-b.out" & local l2=$!
  wait "$l1" "$l2"
}
ticks() { # user + system ticks of a process and of its children (nginx's workers)
  local p sum=0
  for p in "$1" $(pgrep -P "$1"); do sum=$((sum + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  echo "$sum"
}
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
  # a jar B is the change: B/A; a peer B is the reference: A/B, edgespot against the peer
  if [ ${#B_CMD[@]} -eq 0 ]; then
    ratio="B/A $(awk -v a="$ra" -v b="$rb" 'BEGIN{printf "%.3f", (a > 0 ? b / a : 0)}')"
  else
    ratio="A/B $(awk -v a="$ra" -v b="$rb" 'BEGIN{printf "%.3f", (b > 0 ? a / b : 0)}')"
  fi
  echo "round $r: A $(cat "$BENCH_WORK/ab-a.out") req/cpu-s=$(per_cpu_s "$ra" "$SECS" $((a1 - a0)))" \
    "| B $(cat "$BENCH_WORK/ab-b.out") req/cpu-s=$(per_cpu_s "$rb" "$SECS" $((b1 - b0))) | $ratio"
done

#!/usr/bin/env bash
# edgespot-prepare.sh - the CANDIDATE_CHECK step of edgespot-bench.sh, run by bench.sh once after its setup (with
# RUN_DIR set to $BENCH_WORK/run and the templates rendered into $RUN_DIR/conf). Nothing is started here.
#
#   edgespot-prepare.sh EDGESPOT_JAR [NAME=PORT ...]
#
# 1. 'edgespot check' on the pass-through config (conf/edgespot.yaml).
# 2. With NAME=PORT arguments (the cache candidates): a development KEK and the tenant 'bench's keyset, made with
#    'edgespot keys new' into $RUN_DIR/keys (mode 0700; never copied into the results), then one config per cache
#    candidate, conf/cache/NAME.yaml = conf/edgespot-cache.yaml with PORT for @EDGESPOT_CACHE_PORT@, each checked.
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: edgespot-prepare.sh EDGESPOT_JAR [NAME=PORT ...]" >&2; exit 2; }
: "${RUN_DIR:?RUN_DIR is not set (this script is the CANDIDATE_CHECK of bench.sh)}"
JAR=$1; shift
CONF=$RUN_DIR/conf

java -jar "$JAR" check "$CONF/edgespot.yaml"
[ $# -gt 0 ] || exit 0

KEYS=$RUN_DIR/keys
rm -rf "$KEYS" "$CONF/cache"
mkdir -m 700 "$KEYS"
mkdir "$CONF/cache"
java -jar "$JAR" keys new --keyset "$KEYS/bench.keyset.json" --tenant bench --dev-kek "$KEYS/kek.json"
for spec in "$@"; do
  name=${spec%%=*} port=${spec#*=}
  [[ $name =~ ^[A-Za-z0-9._-]+$ && $port =~ ^[0-9]+$ ]] || { echo "edgespot-prepare: bad NAME=PORT '$spec'" >&2; exit 2; }
  sed "s#@EDGESPOT_CACHE_PORT@#$port#g" "$CONF/edgespot-cache.yaml" >"$CONF/cache/$name.yaml"
  printf '%s: ' "$name"
  java -jar "$JAR" check "$CONF/cache/$name.yaml"
done

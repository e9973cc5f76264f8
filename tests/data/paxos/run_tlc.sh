#!/bin/sh
# Record TLC's output for a hand-written model here: run_tlc.sh MODULE CFGNAME
# Runs TLC 2.20 (-workers 1) in a scratch directory and writes CFGNAME.out here.
# Needs SPECPY_TLC_JAR (the jar is never committed).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mod=$1; cfg=$2
: "${SPECPY_TLC_JAR:?set SPECPY_TLC_JAR to a tla2tools.jar}"
d=$(mktemp -d /tmp/tlcrun.XXXXXX)
cp "$here/$mod.tla" "$here/$cfg.cfg" "$d/"
out="$here/$cfg.out"
echo "# cmd: java -XX:+UseParallelGC -cp tla2tools.jar tlc2.TLC -workers 1 -config $cfg.cfg $mod.tla" > "$out"
status=0
(cd "$d" && java -XX:+UseParallelGC -cp "$SPECPY_TLC_JAR" tlc2.TLC -workers 1 -metadir "$d/meta" \
    -config "$cfg.cfg" "$mod.tla") >> "$out" 2>&1 || status=$?
echo "# exit code $status" >> "$out"
rm -rf "$d"

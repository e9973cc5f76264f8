#!/bin/sh
# Record TLC's answer for a hand-written TLA+ model kept beside the tests.
# usage: run_tlc.sh DIR MODULE CFG OUT [extra TLC flags...]
# Copies DIR/MODULE.tla and DIR/CFG into a fresh temp dir, runs TLC 2.20 there
# with one worker, and writes the command, TLC's output and its exit code to DIR/OUT.
set -e
dir=$(cd "$1" && pwd); mod=$2; cfg=$3; out=$4; shift 4
jar=${SPECPY_TLC_JAR:-/work/tools/tla2tools.jar}
d=$(mktemp -d /tmp/tlcrun.XXXXXX)
cp "$dir/$mod.tla" "$dir/$cfg" "$d"/
cd "$d"
echo "# cmd: java -XX:+UseParallelGC -cp tla2tools.jar tlc2.TLC -workers 1 $* -config $cfg $mod.tla" > "$dir/$out"
rc=0
java -XX:+UseParallelGC -cp "$jar" tlc2.TLC -workers 1 -metadir "$d/meta" "$@" -config "$cfg" "$mod.tla" >> "$dir/$out" 2>&1 || rc=$?
echo "# exit code $rc" >> "$dir/$out"
rm -rf "$d"

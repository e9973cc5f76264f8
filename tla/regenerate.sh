#!/bin/sh
# Regenerate the TLA+ models of every spec in specs/ and TLC's recorded results.
# Run from the repository root, with SPECPY_TLC_JAR pointing at tla2tools.jar:
#   SPECPY_TLC_JAR=/path/to/tla2tools.jar sh tla/regenerate.sh
set -e
[ -f "$SPECPY_TLC_JAR" ] || { echo "set SPECPY_TLC_JAR to tla2tools.jar" >&2; exit 1; }
rm -f tla/*.tla tla/*.cfg
specpy tla --all -o tla
rm -f tla/tlc-results.json
# TLC exits non-zero for the models with a violation (bug variants): expected, so
# only a system error (153: no java, ...) stops the script.
specpy tlc --quiet --workers 1 --record tla/tlc-results.json tla || [ $? -ne 153 ]

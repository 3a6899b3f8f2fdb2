#!/usr/bin/env bash
# Runs a Vigil command on a cluster through spark-submit with the fat jar (Spark provided by the cluster).
#   deploy/spark-submit-vigil.sh --master spark://host:7077 -- nightly --conf conf/nightly-kdd.conf \
#       --output hdfs:///vigil/warehouse --date 2026-11-21
# Options before "--" go to spark-submit; the rest to Vigil. Environment: SPARK_HOME (spark-submit is
# $SPARK_HOME/bin/spark-submit, else on PATH), VIGIL_JAR (default: the -all jar of this checkout),
# VIGIL_SPARK_DEFAULTS (default: deploy/spark-defaults.conf).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR="${VIGIL_JAR:-$ROOT/spark-jobs/target/vigil-spark-jobs-0.1.0-SNAPSHOT-all.jar}"
DEFAULTS="${VIGIL_SPARK_DEFAULTS:-$ROOT/deploy/spark-defaults.conf}"
SUBMIT="${SPARK_HOME:+$SPARK_HOME/bin/}spark-submit"
[[ -f "$JAR" ]] || { echo "vigil: $JAR not found; build it with: mvn -B -DskipTests package" >&2; exit 2; }

SPARK_ARGS=()
while [[ $# -gt 0 && "$1" != "--" ]]; do SPARK_ARGS+=("$1"); shift; done
[[ "${1:-}" == "--" ]] && shift

exec "$SUBMIT" --properties-file "$DEFAULTS" --class io.vigil.cli.VigilCli "${SPARK_ARGS[@]}" "$JAR" "$@"

#!/usr/bin/env bash
# A real Spark cluster test (CI runs it): a standalone master and two workers as separate JVMs on
# 127.0.0.1, started from the Spark jars Maven resolved (a SPARK_HOME of symlinks), then the fat jar
# spark-submitted through deploy/spark-submit-vigil.sh: nightly for two dates and a rerun of the first.
# Checks: score partitions with exactly the input row counts, no duplicate rows, one metric row per
# (date, detector), a `vigil sql` query from a new JVM, and that both executors ran training tasks.
# Needs: mvn -B -DskipTests package (the -all jar and target/classpath.txt). Usage:
#   deploy/test/standalone-cluster.sh [WORKDIR]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mkdir -p "${1:-$ROOT/target/cluster-test}" && cd "${1:-$ROOT/target/cluster-test}" && pwd)
JAR="$ROOT/spark-jobs/target/vigil-spark-jobs-0.1.0-SNAPSHOT-all.jar"
CP_FILE="$ROOT/spark-jobs/target/classpath.txt"
[[ -f "$JAR" && -f "$CP_FILE" ]] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
rm -rf "$WORK"/{spark-home,logs,work,warehouse}
mkdir -p "$WORK"/{spark-home/jars,spark-home/bin,spark-home/conf,logs,work}

# A SPARK_HOME from the resolved jars: workers build executor classpaths from $SPARK_HOME/jars.
tr ':' '\n' < "$CP_FILE" | grep '\.jar$' | while read -r j; do ln -sf "$j" "$WORK/spark-home/jars/"; done
export SPARK_HOME="$WORK/spark-home" SPARK_SCALA_VERSION=2.12
OPENS=$(grep -o -- '--add-opens=[^ ]*' "$ROOT/deploy/vigil" | tr '\n' ' ')
JFLAGS="-XX:+IgnoreUnrecognizedVMOptions -Djdk.reflect.useDirectMethodHandle=false $OPENS"
cat > "$SPARK_HOME/bin/spark-submit" <<SUBMIT
#!/usr/bin/env bash
exec java $JFLAGS -Xmx3g -Dlog4j2.configurationFile=$ROOT/deploy/log4j2.properties -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit "\$@"
SUBMIT
chmod +x "$SPARK_HOME/bin/spark-submit"

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
PORT=$((17000 + RANDOM % 1000))
# shellcheck disable=SC2086
java $JFLAGS -Xmx512m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$PORT" --webui-port 0 > "$WORK/logs/master.log" 2>&1 &
PIDS+=($!)
for i in 1 2; do
  # shellcheck disable=SC2086
  java $JFLAGS -Xmx512m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --cores 1 --memory 4g --webui-port 0 --work-dir "$WORK/work/worker$i" \
    "spark://127.0.0.1:$PORT" > "$WORK/logs/worker$i.log" 2>&1 &
  PIDS+=($!)
done
for _ in $(seq 60); do
  [[ $(grep -c "Registering worker" "$WORK/logs/master.log" || true) -ge 2 ]] && break; sleep 1
done
[[ $(grep -c "Registering worker" "$WORK/logs/master.log") -ge 2 ]] || { echo "workers did not register" >&2; cat "$WORK/logs/"*.log; exit 1; }
echo "cluster: master spark://127.0.0.1:$PORT with 2 workers"

OUT="$WORK/warehouse"
# Inputs: the KDD rows prepared locally (the driver reads ../shared/data); day 1 = honest/val, day 2 = honest/test.
"$ROOT/deploy/vigil" prepare --conf "$ROOT/conf/nightly-kdd.conf" --output "$OUT" > "$WORK/logs/prepare.log" 2>&1
mkdir -p "$OUT/landing"
cp -r "$OUT/prepared/kdd/honest/val" "$OUT/landing/2026-11-01"
cp -r "$OUT/prepared/kdd/honest/test" "$OUT/landing/2026-11-02"

submit() {
  "$ROOT/deploy/spark-submit-vigil.sh" --master "spark://127.0.0.1:$PORT" --deploy-mode client \
    --conf spark.executor.cores=1 --conf spark.executor.memory=3g --conf spark.executor.memoryOverhead=1g \
    --conf spark.cores.max=2 --conf spark.driver.memory=3g -- \
    nightly --conf "$ROOT/conf/nightly-kdd.conf" --output "$OUT" --set ae.epochs=2 "$@"
}
for d in 2026-11-01 2026-11-02 2026-11-01; do
  echo "nightly --date $d (cluster)"
  submit --date "$d" > "$WORK/logs/nightly-$d.log" 2>&1 || { tail -50 "$WORK/logs/nightly-$d.log"; exit 1; }
done

sql() { "$ROOT/deploy/vigil" sql --output "$OUT" "$1" 2>/dev/null; }
expect_rows() { # date, expected count
  local got
  got=$(sql "SELECT detector, count(*) AS n, count(DISTINCT row_index) AS ids FROM vigil.scores WHERE run_date = '$1' GROUP BY detector ORDER BY detector" | grep -E '^\|(ae|pca) ')
  echo "$got"
  [[ $(echo "$got" | grep -c "|$2 *|$2 *|") -eq 2 ]] || { echo "FAIL: run_date $1 should hold $2 rows per detector, no duplicates" >&2; exit 1; }
}
N1=$(sql "SELECT count(*) AS n FROM parquet.\`$OUT/landing/2026-11-01\`" | grep -oE '^\|[0-9]+' | tr -d '|')
N2=$(sql "SELECT count(*) AS n FROM parquet.\`$OUT/landing/2026-11-02\`" | grep -oE '^\|[0-9]+' | tr -d '|')
echo "inputs: 2026-11-01 $N1 rows, 2026-11-02 $N2 rows"
expect_rows 2026-11-01 "$N1"
expect_rows 2026-11-02 "$N2"
METRICS=$(sql "SELECT run_date, detector, count(*) AS n FROM vigil.metrics GROUP BY run_date, detector ORDER BY 1, 2")
echo "$METRICS"
[[ $(echo "$METRICS" | grep -cE '^\|2026-11-0[12]\|(ae|pca) *\|1 *\|') -eq 4 ]] || { echo "FAIL: metric rows not unique per (date, detector)" >&2; exit 1; }
sql "SELECT run_date, count(*) FROM vigil.scores GROUP BY run_date" | grep -q "2026-11-02" || { echo "FAIL: vigil sql" >&2; exit 1; }

# Both executors fit a training worker (Vigil's trainer logs each worker's executor).
EXECS=$(cat "$WORK"/work/worker*/app-*/*/stderr | grep -o "Vigil training worker: .* on executor [0-9]*" | grep -o "executor [0-9]*" | sort -u)
echo "training workers ran on: $(echo "$EXECS" | tr '\n' ' ')"
[[ $(echo "$EXECS" | grep -c executor) -ge 2 ]] || { echo "FAIL: training did not use both executors" >&2; exit 1; }
echo "standalone cluster test: OK"

# Kill the driver (SIGKILL) while it writes the score partition of a date that already has rows: the
# previous rows must stay readable and unchanged, and a rerun must complete. The kill lands when the
# first new data file of vigil.scores appears; if the commit won the race, try again (at most 3 times).
snapshot() { sql "SELECT count(*) AS n, round(sum(score), 4) AS s FROM vigil.scores WHERE run_date = '2026-11-02'" | grep -E '^\|[0-9]'; }
BEFORE=$(snapshot)
HINT="$OUT/catalog/scores/metadata/version-hint.text"
killed_before_commit=0
for attempt in 1 2 3; do
  v0=$(cat "$HINT"); touch "$WORK/marker"
  "$ROOT/deploy/vigil" nightly --conf "$ROOT/conf/nightly-kdd.conf" --output "$OUT" --detector pca --date 2026-11-02 \
    > "$WORK/logs/kill-$attempt.log" 2>&1 &
  PID=$!
  for _ in $(seq 1200); do
    if find "$OUT/catalog/scores/data" -newer "$WORK/marker" -name '*.parquet' 2>/dev/null | grep -q .; then
      kill -9 "$PID"; break
    fi
    sleep 0.05
  done
  wait "$PID" 2>/dev/null || true
  if [[ "$(cat "$HINT")" == "$v0" ]]; then killed_before_commit=1; echo "kill $attempt: driver killed mid-write"; break; fi
  echo "kill $attempt: the commit finished first; again"
done
[[ $killed_before_commit == 1 ]] || { echo "FAIL: could not kill the driver before its commit in 3 tries" >&2; exit 1; }
AFTER=$(snapshot)
echo "before: $BEFORE   after the kill: $AFTER"
[[ "$BEFORE" == "$AFTER" ]] || { echo "FAIL: the killed run changed run_date 2026-11-02" >&2; exit 1; }
"$ROOT/deploy/vigil" nightly --conf "$ROOT/conf/nightly-kdd.conf" --output "$OUT" --detector pca --date 2026-11-02 \
  > "$WORK/logs/rerun-after-kill.log" 2>&1 || { tail -30 "$WORK/logs/rerun-after-kill.log"; exit 1; }
expect_rows 2026-11-02 "$N2"
echo "kill-during-write test: OK"

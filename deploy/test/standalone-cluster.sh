#!/usr/bin/env bash
# A real Spark cluster test (CI runs it): a standalone master and two workers as separate JVMs on
# 127.0.0.1, started from the Spark jars Maven resolved (a SPARK_HOME of symlinks), then the fat jar
# spark-submitted through deploy/spark-submit-vigil.sh: nightly for two dates, then a rerun of the second that
# retrains the autoencoder (a drift alarm) and loses a worker while it trains and another after; a driver killed
# while training, and one killed while writing.
# Checks: score partitions with exactly the input row counts, no duplicate rows, one metric row per
# (date, detector), the rerun equal to the fault-free run, `vigil sql` queries from a new JVM, and that both
# executors ran training tasks.
# Needs: mvn -B -DskipTests package (the -all jar and target/classpath.txt). Usage:
#   deploy/test/standalone-cluster.sh [WORKDIR]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mkdir -p "${1:-$ROOT/target/cluster-test}" && cd "${1:-$ROOT/target/cluster-test}" && pwd)
# shellcheck source=deploy/test/cluster-lib.sh
source "$ROOT/deploy/test/cluster-lib.sh"
cluster_setup
trap cluster_stop EXIT
cluster_start

OUT="$WORK/warehouse"
rm -rf "$OUT"
prepare_inputs "$OUT"
# Both dates in one application (a backfill, --until), as two scheduled nights would run them: the first trains.
echo "nightly --date 2026-11-01 --until 2026-11-02 (cluster)"
submit --output "$OUT" --date 2026-11-01 --until 2026-11-02 > "$WORK/logs/nightly-2026-11-01-02.log" 2>&1 \
  || { tail -50 "$WORK/logs/nightly-2026-11-01-02.log"; exit 1; }

# Each `vigil sql` is a new JVM (seconds of CI), so the checks are rows of as few queries as can be: each
# row is (kind, date, detector, value), all strings.
fp_sql() { # dates (SQL list), [time-travel clause], [kind, default fp]: rows and score checksums per (date, detector)
  echo "SELECT '${3:-fp}' AS k, run_date AS d, detector AS det, concat_ws(',', count(*), round(sum(score), 5),
    round(max(score), 5)) AS v FROM vigil.scores ${2:-} WHERE run_date IN ($1) GROUP BY run_date, detector"
}
fp_of() { # answer of a query with fingerprint rows, date, [kind, default fp]: that date's "detector|rows,sum,max"
  # lines, blanks removed (Spark pads the columns to the widest value of the whole answer)
  echo "$1" | tr -d ' ' | awk -F'|' -v d="$2" -v k="${3:-fp}" '$2 == k && $3 == d {print $4 "|" $5}'
}
wait_for_line() { # file, fixed string, timeout seconds
  for _ in $(seq $(( $3 * 10 ))); do grep -qF "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "FAIL: '$2' did not appear in $1" >&2; tail -20 "$1" >&2; exit 1
}
# The fault-free state after the two dates, for the rerun below to equal: Iceberg time travel to this moment in
# the one checks query (a `vigil sql` JVM costs CI seconds; a snapshot read costs none).
AFTER_DAYS=$(date -u '+%Y-%m-%d %H:%M:%S.%3N')
sleep 1

# A rerun of 2026-11-02 for the autoencoder, retrained because day 1 raised a drift alarm (drift.retrainOnAlarm;
# KDD's attack days always do): worker 2 (and its executor) SIGKILLed while it trains, restarted, then worker 1
# SIGKILLed while the new model scores. Spark re-runs the lost tasks; the trainer's rounds are deterministic, so
# the rerun's rows equal the fault-free run's, and the partition is replaced, not appended to.
submit --output "$OUT" --date 2026-11-02 --detector ae --set drift.retrainOnAlarm=true \
  > "$WORK/logs/rerun-faults-2026-11-02.log" 2>&1 &
SUB=$!
wait_for_line "$WORK/logs/rerun-faults-2026-11-02.log" "training ae (drift alarm on 2026-11-01" 300
wait_for_line "$WORK/logs/rerun-faults-2026-11-02.log" "epoch 1/2 round 4/" 300
kill_worker 2
echo "rerun of 2026-11-02: worker 2 killed during training"
start_worker 2; wait_workers 3
wait_for_line "$WORK/logs/rerun-faults-2026-11-02.log" "epoch 2/2 round 7/7" 300
sleep 2
kill_worker 1
echo "rerun of 2026-11-02: worker 1 killed after training (saving the model or scoring)"
wait "$SUB" || { tail -40 "$WORK/logs/rerun-faults-2026-11-02.log"; echo "FAIL: the rerun did not survive lost workers" >&2; exit 1; }
start_worker 1; wait_workers 4

sql() { sql_at "$OUT" "$1"; }
# snapshot of 2026-11-02 (the kill-during-write test at the end compares with it; the driver-kill phase in
# between writes no rows): rows and score sum
snapshot_sql() { # [time-travel clause]
  echo "SELECT 'snap' AS k, '2026-11-02' AS d, '-' AS det, concat_ws(',', count(*), round(sum(score), 4)) AS v FROM vigil.scores ${1:-} WHERE run_date = '2026-11-02'"
}
# Every check of the three runs in one query: the fault-free fingerprint of 2026-11-02 (time travel) and the
# rerun's, input rows per day, score rows and distinct row ids per (date, detector), metric rows per (date,
# detector), the snapshot.
CHECKS=$(sql "$(fp_sql "'2026-11-02'" "TIMESTAMP AS OF '$AFTER_DAYS'" ref)
  UNION ALL $(fp_sql "'2026-11-02'")
  UNION ALL SELECT 'in', '2026-11-01', '-', cast(count(*) AS STRING) FROM parquet.\`$OUT/landing/2026-11-01\`
  UNION ALL SELECT 'in', '2026-11-02', '-', cast(count(*) AS STRING) FROM parquet.\`$OUT/landing/2026-11-02\`
  UNION ALL SELECT 'rows', run_date, detector, cast(count(*) AS STRING) FROM vigil.scores GROUP BY run_date, detector
  UNION ALL SELECT 'ids', run_date, detector, cast(count(DISTINCT row_index) AS STRING) FROM vigil.scores GROUP BY run_date, detector
  UNION ALL SELECT 'metrics', run_date, detector, cast(count(*) AS STRING) FROM vigil.metrics GROUP BY run_date, detector
  UNION ALL SELECT 'later', '-', '-', cast(count(*) AS STRING) FROM vigil.scores.snapshots
    WHERE committed_at > TIMESTAMP '$AFTER_DAYS'
  UNION ALL $(snapshot_sql)
  ORDER BY 1, 2, 3")
echo "$CHECKS"
check() { echo "$CHECKS" | awk -F'|' -v k="$1" -v d="$2" -v det="$3" '{for (i = 2; i <= 5; i++) gsub(/ /, "", $i)} $2 == k && $3 == d && $4 == det {print $5}'; }
REF=$(fp_of "$CHECKS" 2026-11-02 ref); GOT=$(fp_of "$CHECKS" 2026-11-02)
echo "fault-free: $REF"; echo "rerun with lost workers: $GOT"
# the reference is an older snapshot than the rerun's rows: the rerun committed after it
[[ "$(check later - -)" -ge 1 ]] || { echo "FAIL: no commit after the fault-free runs: the rerun wrote nothing" >&2; exit 1; }
[[ $(echo "$REF" | grep -c '^ae|') == 1 && "$GOT" == "$REF" ]] \
  || { echo "FAIL: a rerun with lost workers changed the output: $GOT vs $REF" >&2; exit 1; }
N1=$(check in 2026-11-01 -); N2=$(check in 2026-11-02 -)
echo "inputs: 2026-11-01 $N1 rows, 2026-11-02 $N2 rows"
[[ -n $N1 && -n $N2 ]] || { echo "FAIL: vigil sql did not answer" >&2; exit 1; }
for d in 2026-11-01 2026-11-02; do
  n=$([[ $d == 2026-11-01 ]] && echo "$N1" || echo "$N2")
  for det in ae pca; do
    [[ "$(check rows $d $det)" == "$n" && "$(check ids $d $det)" == "$n" ]] \
      || { echo "FAIL: run_date $d should hold $n rows of $det, no duplicates" >&2; exit 1; }
    [[ "$(check metrics $d $det)" == 1 ]] || { echo "FAIL: metric rows not unique per ($d, $det)" >&2; exit 1; }
  done
done

# Both executors fit a training worker (Vigil's trainer logs each worker's executor).
EXECS=$(cat "$WORK"/work/worker*/app-*/*/stderr | grep -o "Vigil training worker: .* on executor [0-9]*" | grep -o "executor [0-9]*" | sort -u)
echo "training workers ran on: $(echo "$EXECS" | tr '\n' ' ')"
[[ $(echo "$EXECS" | grep -c executor) -ge 2 ]] || { echo "FAIL: training did not use both executors" >&2; exit 1; }
echo "standalone cluster test: OK (two dates, a rerun that lost a worker while training and one after)"

# The driver SIGKILLed while the autoencoder retrains: nothing is registered, the current model stays.
AE_DIR="$OUT/models/kdd_nightly/ae"
CURRENT=$(cat "$AE_DIR/current"); VERSIONS=$(ls "$AE_DIR"/*/model-info.json | sort)
submit --output "$OUT" --date 2026-12-31 --detector ae --set nightly.retrainEveryDays=1 \
  --set "score.path=$OUT/landing/2026-11-01" > "$WORK/logs/kill-training.log" 2>&1 &
SUB=$!
wait_for_line "$WORK/logs/kill-training.log" "training ae" 300
wait_for_line "$WORK/logs/kill-training.log" "epoch 1/2 round 3/" 300
pkill -9 -P "$SUB" 2>/dev/null || true; kill -9 "$SUB" 2>/dev/null || true; wait "$SUB" 2>/dev/null || true
echo "driver killed during training"
[[ "$(cat "$AE_DIR/current")" == "$CURRENT" ]] || { echo "FAIL: current model changed by a killed run" >&2; exit 1; }
[[ "$(ls "$AE_DIR"/*/model-info.json | sort)" == "$VERSIONS" ]] || { echo "FAIL: a killed run registered a model" >&2; exit 1; }
echo "faults test: OK"

# Kill the driver (SIGKILL) while it writes the score partition of a date that already has rows: the
# previous rows must stay readable and unchanged, and a rerun must complete. The kill lands when the
# first new data file of vigil.scores appears; if the commit won the race, try again (at most 3 times).
BEFORE=$(check snap 2026-11-02 -)
[[ -n "$BEFORE" ]] || { echo "FAIL: no snapshot of 2026-11-02" >&2; exit 1; }
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
KILLED_AT=$(date -u '+%Y-%m-%d %H:%M:%S.%3N')
sleep 1
"$ROOT/deploy/vigil" nightly --conf "$ROOT/conf/nightly-kdd.conf" --output "$OUT" --detector pca --date 2026-11-02 \
  > "$WORK/logs/rerun-after-kill.log" 2>&1 || { tail -30 "$WORK/logs/rerun-after-kill.log"; exit 1; }
# One query: the table as the killed run left it (time travel) and the rows after the rerun.
FINAL=$(sql "$(snapshot_sql "TIMESTAMP AS OF '$KILLED_AT'")
  UNION ALL SELECT 'rows', run_date, detector, cast(count(*) AS STRING) FROM vigil.scores WHERE run_date = '2026-11-02' GROUP BY run_date, detector
  UNION ALL SELECT 'ids', run_date, detector, cast(count(DISTINCT row_index) AS STRING) FROM vigil.scores WHERE run_date = '2026-11-02' GROUP BY run_date, detector
  ORDER BY 1, 2, 3")
echo "$FINAL"
CHECKS=$FINAL
AFTER=$(check snap 2026-11-02 -)
echo "before: $BEFORE   after the kill: $AFTER"
[[ "$BEFORE" == "$AFTER" ]] || { echo "FAIL: the killed run changed run_date 2026-11-02" >&2; exit 1; }
for det in ae pca; do
  [[ "$(check rows 2026-11-02 $det)" == "$N2" && "$(check ids 2026-11-02 $det)" == "$N2" ]] \
    || { echo "FAIL: after the rerun, run_date 2026-11-02 should hold $N2 rows of $det, no duplicates" >&2; exit 1; }
done
echo "kill-during-write test: OK"

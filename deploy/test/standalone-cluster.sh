#!/usr/bin/env bash
# A real Spark cluster test (CI runs it): a standalone master and two workers as separate JVMs on
# 127.0.0.1, started from the Spark jars Maven resolved (a SPARK_HOME of symlinks), then the fat jar
# spark-submitted through deploy/spark-submit-vigil.sh: nightly for two dates and a rerun of the first (a worker
# lost while it scores).
# Checks: score partitions with exactly the input row counts, no duplicate rows, one metric row per
# (date, detector), a `vigil sql` query from a new JVM, and that both executors ran training tasks.
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
for d in 2026-11-01 2026-11-02; do
  echo "nightly --date $d (cluster)"
  submit --output "$OUT" --date "$d" > "$WORK/logs/nightly-$d.log" 2>&1 || { tail -50 "$WORK/logs/nightly-$d.log"; exit 1; }
done

# Each `vigil sql` is a new JVM (seconds of CI), so the checks are rows of as few queries as can be: each
# row is (kind, date, detector, value), all strings.
fp_sql() { # dates (SQL list): rows and score checksums per (date, detector)
  echo "SELECT 'fp' AS k, run_date AS d, detector AS det, concat_ws(',', count(*), round(sum(score), 5),
    round(max(score), 5)) AS v FROM vigil.scores WHERE run_date IN ($1) GROUP BY run_date, detector"
}
fp_of() { # answer of a query with fp rows, date: that date's "detector|rows,sum,max" lines, blanks removed
  # (Spark pads the columns to the widest value of the whole answer, which differs between queries)
  echo "$1" | tr -d ' ' | awk -F'|' -v d="$2" '$2 == "fp" && $3 == d {print $4 "|" $5}'
}
wait_for_line() { # file, fixed string, timeout seconds
  for _ in $(seq $(( $3 * 10 ))); do grep -qF "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "FAIL: '$2' did not appear in $1" >&2; tail -20 "$1" >&2; exit 1
}
REF_DAY1=$(fp_of "$(sql_at "$OUT" "$(fp_sql "'2026-11-01'")")" 2026-11-01)

# The rerun of the first date, with a worker (and its executor) SIGKILLed while the autoencoder scores (models
# reused): Spark re-runs the lost tasks; the partition is replaced, not appended to, and ends up equal.
submit --output "$OUT" --date 2026-11-01 > "$WORK/logs/nightly-rerun-2026-11-01.log" 2>&1 &
SUB=$!
wait_for_line "$WORK/logs/nightly-rerun-2026-11-01.log" "reusing ae model" 300
sleep 1
kill_worker 2
echo "rerun of 2026-11-01: worker 2 killed during scoring"
wait "$SUB" || { tail -40 "$WORK/logs/nightly-rerun-2026-11-01.log"; echo "FAIL: the rerun did not survive a lost worker" >&2; exit 1; }
start_worker 2; wait_workers 3

sql() { sql_at "$OUT" "$1"; }
expect_rows() { # date, expected count
  local got
  got=$(sql "SELECT detector, count(*) AS n, count(DISTINCT row_index) AS ids FROM vigil.scores WHERE run_date = '$1' GROUP BY detector ORDER BY detector" | grep -E '^\|(ae|pca) ')
  echo "$got"
  [[ $(echo "$got" | grep -c "|$2 *|$2 *|") -eq 2 ]] || { echo "FAIL: run_date $1 should hold $2 rows per detector, no duplicates" >&2; exit 1; }
}
# snapshot of 2026-11-02 (the kill-during-write test below compares with it; the fault phases in between
# never write that date): rows and score sum
snapshot_sql() { echo "SELECT 'snap' AS k, '2026-11-02' AS d, '-' AS det, concat_ws(',', count(*), round(sum(score), 4)) AS v FROM vigil.scores WHERE run_date = '2026-11-02'"; }
# Every check of the three runs in one query: the rerun's fingerprint, input rows per day, score rows and
# distinct row ids per (date, detector), metric rows per (date, detector), the snapshot.
CHECKS=$(sql "$(fp_sql "'2026-11-01'")
  UNION ALL SELECT 'in', '2026-11-01', '-', cast(count(*) AS STRING) FROM parquet.\`$OUT/landing/2026-11-01\`
  UNION ALL SELECT 'in', '2026-11-02', '-', cast(count(*) AS STRING) FROM parquet.\`$OUT/landing/2026-11-02\`
  UNION ALL SELECT 'rows', run_date, detector, cast(count(*) AS STRING) FROM vigil.scores GROUP BY run_date, detector
  UNION ALL SELECT 'ids', run_date, detector, cast(count(DISTINCT row_index) AS STRING) FROM vigil.scores GROUP BY run_date, detector
  UNION ALL SELECT 'metrics', run_date, detector, cast(count(*) AS STRING) FROM vigil.metrics GROUP BY run_date, detector
  UNION ALL $(snapshot_sql)
  ORDER BY 1, 2, 3")
echo "$CHECKS"
check() { echo "$CHECKS" | awk -F'|' -v k="$1" -v d="$2" -v det="$3" '{for (i = 2; i <= 5; i++) gsub(/ /, "", $i)} $2 == k && $3 == d && $4 == det {print $5}'; }
GOT=$(fp_of "$CHECKS" 2026-11-01)
[[ -n "$REF_DAY1" && "$GOT" == "$REF_DAY1" ]] || { echo "FAIL: a rerun with a lost worker changed the output: $GOT vs $REF_DAY1" >&2; exit 1; }
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
echo "standalone cluster test: OK"

# --- Faults (reliability): a worker lost while training; the driver killed while training and while writing.
# A worker (and its executor) SIGKILLed while the autoencoder trains: Spark re-runs the lost tasks on the
# other executor; the trainer's rounds are deterministic, so the scores equal the fault-free run's (the
# autoencoder alone: PCA's training has no rounds to lose).
FAULT="$WORK/warehouse-fault"
rm -rf "$FAULT"; mkdir -p "$FAULT/landing"; cp -r "$OUT/landing/2026-11-01" "$FAULT/landing/"
submit --output "$FAULT" --date 2026-11-01 --detector ae --set "train.path=$OUT/train-sample" \
  > "$WORK/logs/fault-train.log" 2>&1 &
SUB=$!
wait_for_line "$WORK/logs/fault-train.log" "epoch 1/2 round 4/" 300
kill_worker 2
echo "worker 2 killed during training"
wait "$SUB" || { tail -40 "$WORK/logs/fault-train.log"; echo "FAIL: the job did not survive a lost worker" >&2; exit 1; }
GOT=$(fp_of "$(sql_at "$FAULT" "$(fp_sql "'2026-11-01'")")" 2026-11-01)
AE_DAY1=$(echo "$REF_DAY1" | grep '^ae|')
echo "fault-free: $AE_DAY1"; echo "worker lost: $GOT"
[[ -n "$GOT" && "$GOT" == "$AE_DAY1" ]] || { echo "FAIL: a lost worker during training changed the output" >&2; exit 1; }
start_worker 2; wait_workers 4

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
AFTER=$(sql "$(snapshot_sql)" | tr -d ' ' | awk -F'|' '$2 == "snap" {print $5}')
echo "before: $BEFORE   after the kill: $AFTER"
[[ "$BEFORE" == "$AFTER" ]] || { echo "FAIL: the killed run changed run_date 2026-11-02" >&2; exit 1; }
"$ROOT/deploy/vigil" nightly --conf "$ROOT/conf/nightly-kdd.conf" --output "$OUT" --detector pca --date 2026-11-02 \
  > "$WORK/logs/rerun-after-kill.log" 2>&1 || { tail -30 "$WORK/logs/rerun-after-kill.log"; exit 1; }
expect_rows 2026-11-02 "$N2"
echo "kill-during-write test: OK"

# Shared by the cluster test scripts (source it): a Spark standalone cluster of separate JVMs on
# 127.0.0.1 from the Spark jars Maven resolved, and helpers to submit Vigil and query its tables.
# Needs ROOT (the checkout) and WORK (a scratch directory) set by the caller.

# VIGIL_JAR / VIGIL_CLASSPATH_FILE: a build to test instead of the checkout's (as deploy/vigil)
JAR="${VIGIL_JAR:-$ROOT/spark-jobs/target/vigil-spark-jobs-0.1.0-SNAPSHOT-all.jar}"
CP_FILE="${VIGIL_CLASSPATH_FILE:-$ROOT/spark-jobs/target/classpath.txt}"
export VIGIL_JAR="$JAR" VIGIL_CLASSPATH_FILE="$CP_FILE" # the spark-submits and deploy/vigil run this build
[[ -f "$JAR" && -f "$CP_FILE" ]] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
OPENS=$(grep -o -- '--add-opens=[^ ]*' "$ROOT/deploy/vigil" | tr '\n' ' ')
# shellcheck source=deploy/test/short-jvm.sh
source "$ROOT/deploy/test/short-jvm.sh" # C1 alone: the local deploy/vigil runs by JAVA_OPTS, the cluster's JVMs here
JFLAGS="-XX:+IgnoreUnrecognizedVMOptions -Djdk.reflect.useDirectMethodHandle=false $OPENS $TEST_JIT"
declare -a WORKER_PIDS=() CLUSTER_PIDS=()

# A SPARK_HOME of symlinks (workers build executor classpaths from $SPARK_HOME/jars) and a bin/spark-submit.
cluster_setup() {
  rm -rf "$WORK"/{spark-home,logs,work}
  mkdir -p "$WORK"/{spark-home/jars,spark-home/bin,logs,work}
  tr ':' '\n' < "$CP_FILE" | grep '\.jar$' | while read -r j; do ln -sf "$j" "$WORK/spark-home/jars/"; done
  export SPARK_HOME="$WORK/spark-home" SPARK_SCALA_VERSION=2.12
  cat > "$SPARK_HOME/bin/spark-submit" <<SUBMIT
#!/usr/bin/env bash
exec java $JFLAGS -Xmx3g -Dlog4j2.configurationFile=$ROOT/deploy/log4j2.properties -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit "\$@"
SUBMIT
  chmod +x "$SPARK_HOME/bin/spark-submit"
}

start_worker() { # index
  # shellcheck disable=SC2086
  java $JFLAGS -Xmx512m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --cores 1 --memory 4g --webui-port 0 --work-dir "$WORK/work/worker$1" \
    "spark://127.0.0.1:$PORT" >> "$WORK/logs/worker$1.log" 2>&1 &
  WORKER_PIDS[$1]=$!
  CLUSTER_PIDS+=($!)
}

cluster_start() {
  PORT=$((17000 + RANDOM % 1000))
  # shellcheck disable=SC2086
  java $JFLAGS -Xmx512m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$PORT" --webui-port 0 > "$WORK/logs/master.log" 2>&1 &
  CLUSTER_PIDS+=($!)
  start_worker 1
  start_worker 2
  wait_workers 2
  echo "cluster: master spark://127.0.0.1:$PORT with 2 workers"
}

wait_workers() { # count of registrations expected in the master log
  for _ in $(seq 60); do
    [[ $(grep -c "Registering worker" "$WORK/logs/master.log" || true) -ge $1 ]] && return 0; sleep 1
  done
  echo "workers did not register" >&2; cat "$WORK/logs/"*.log >&2; exit 1
}

# Kills worker N and its executor JVMs with SIGKILL (a machine lost, not a clean shutdown).
kill_worker() {
  local w=${WORKER_PIDS[$1]}
  pkill -9 -P "$w" 2>/dev/null || true
  kill -9 "$w" 2>/dev/null || true
}

cluster_stop() { for p in "${CLUSTER_PIDS[@]}"; do pkill -9 -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }

# vigil nightly on the cluster through the spark-submit wrapper; extra arguments go to Vigil. The autoencoder
# trains 2 epochs in short rounds (averagingFrequency 5: 7 rounds an epoch here), so the fault phases can kill
# a worker or the driver while rounds are still to come.
submit() {
  "$ROOT/deploy/spark-submit-vigil.sh" --master "spark://127.0.0.1:$PORT" --deploy-mode client \
    --conf spark.executor.cores=1 --conf spark.executor.memory=3g --conf spark.executor.memoryOverhead=1g \
    --conf spark.cores.max=2 --conf spark.driver.memory=3g --conf "spark.executor.extraJavaOptions=$JFLAGS" -- \
    nightly --conf "$ROOT/conf/nightly-kdd.conf" --set ae.epochs=2 --set ae.averagingFrequency=5 \
    --set 'train.path=${output}/train-sample' "$@"
}

# vigil sql from a new JVM (the local launcher); prints Spark's table.
sql_at() { "$ROOT/deploy/vigil" sql --output "$1" "$2" 2>/dev/null; }

# The KDD rows prepared once under $1/prepared. What the cluster test checks is mechanics (row counts, reruns,
# lost workers), not quality, so its inputs are samples sized for CI's time: landing 2026-11-01 = every third
# honest/val row (20,736), 2026-11-02 = the test rows with row_index % 12 = 1 (20,735; the test rows are
# those with row_index % 5 != 0); the cluster trains on every sixth normal row ($1/train-sample, 16,203).
# The tables the test run prepared (KddRunTest's warehouse) are used when they are there, as in CI after the
# tests; else vigil prepare builds them from the raw files.
prepare_inputs() {
  local prepared="$ROOT/spark-jobs/target/kdd-warehouse/prepared/kdd/honest"
  if [[ ! -f "$prepared/train/_SUCCESS" || ! -f "$prepared/val/_SUCCESS" || ! -f "$prepared/test/_SUCCESS" ]]; then
    "$ROOT/deploy/vigil" prepare --conf "$ROOT/conf/nightly-kdd.conf" --output "$1" > "$WORK/logs/prepare.log" 2>&1
    prepared="$1/prepared/kdd/honest"
  fi
  mkdir -p "$1/landing"
  # one `vigil sql` JVM for the three samples (a script of ';'-separated statements)
  "$ROOT/deploy/vigil" sql --output "$1" --allow-writes "
    $(sample_sql "$prepared/val" "row_index % 3 = 0" "$1/landing/2026-11-01");
    $(sample_sql "$prepared/test" "row_index % 12 = 1" "$1/landing/2026-11-02");
    $(sample_sql "$prepared/train" "row_index % 6 = 0" "$1/train-sample")" >> "$WORK/logs/prepare.log" 2>&1
}

sample_sql() { # source Parquet directory, condition, target directory
  echo "INSERT OVERWRITE DIRECTORY '$3' USING parquet SELECT * FROM parquet.\`$1\` WHERE $2"
}

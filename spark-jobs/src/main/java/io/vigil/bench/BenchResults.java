package io.vigil.bench;

import static org.apache.spark.sql.functions.lit;

import io.vigil.jobs.JobConfig;
import io.vigil.jobs.JobContext;
import io.vigil.jobs.PrepareJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What every benchmark shares: prepared inputs, a result row (with its same-run baseline, the time it was
 * measured and the git commit of the code measured), medians of timed runs, and the CSV/JSON/Markdown files.
 */
public final class BenchResults {

  private BenchResults() {}

  /** Prepares the config's benchmark tables when they are missing. */
  static void prepare(JobContext ctx) {
    if (!PrepareJob.isPrepared(ctx)) {
      PrepareJob.run(ctx);
    }
  }

  /** Read once per run: the checkout may move on while a long benchmark runs. */
  private static final String COMMIT = readGitCommit();

  /** The commit of the code being measured (as of the run's start). */
  static String gitCommit() {
    return COMMIT;
  }

  /**
   * {@code VIGIL_GIT_COMMIT}, else {@code git rev-parse HEAD} with "+dirty" when the sources (pom.xml, estimators,
   * spark-jobs) differ from it, else "unknown": a figure measured on uncommitted code must not carry a commit's name.
   */
  private static String readGitCommit() {
    String fromEnv = System.getenv("VIGIL_GIT_COMMIT");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.trim();
    }
    try {
      String head = git("rev-parse", "HEAD");
      if (head == null || !head.matches("[0-9a-f]{40}")) {
        return "unknown";
      }
      String changed = git("status", "--porcelain", "--untracked-files=no", "--", "pom.xml", "estimators",
          "spark-jobs");
      return changed == null ? head + "+unknown-tree" : changed.isEmpty() ? head : head + "+dirty";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  /** git's output for {@code args}, trimmed; null when git fails. */
  private static String git(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    return p.waitFor() == 0 ? out : null;
  }

  /**
   * A context that runs the jobs of {@code ctx}'s config on the Parquet rows at {@code inputPath} (score.path)
   * with its warehouse at {@code output}: the score job a bench times reads exactly the rows its IO floor reads.
   */
  static JobContext scoringContext(JobContext ctx, String inputPath, String output) {
    Map<String, String> raw = new LinkedHashMap<>(ctx.config().values());
    raw.put("score.path", inputPath);
    raw.remove("score.table");
    raw.remove("score.where");
    raw.put("output", output);
    return JobContext.of(ctx.spark(), JobConfig.of(ctx.config().source(), raw));
  }

  /** The run date the benches score for: the config's run_date, else today (UTC). */
  static String runDate(JobContext ctx) {
    return ctx.config().get("run_date", java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
  }

  /** What the score job's rows are timed against. */
  static final String SCORE_FLOOR = "parquet read -> score table write with constant scores (IO floor)";

  /**
   * The IO floor of a score job: the Parquet rows at {@code inputPath} read and written, as one partition replace,
   * into an Iceberg table with the score table's columns and partitioning, the scores constant. This is the
   * score job without its input check and without scoring: what the job would cost at the speed of its IO.
   */
  static void scoreTableFloor(JobContext ctx, String inputPath, String table, String runDate) {
    Map<String, org.apache.spark.sql.Column> constants = Map.of("score", lit(0.0), "prediction", lit(0.0),
        "top_features", lit(null).cast("array<string>"), "detector", lit("io-floor"), "model_version",
        lit("io-floor"), "run_date", lit(runDate));
    Dataset<Row> rows = ctx.spark().read().parquet(inputPath);
    // The floor writes exactly the columns the score job adds, in its order: a column added there fails here.
    for (String column : io.vigil.jobs.ScoreJob.ADDED_COLUMNS) {
      if (!constants.containsKey(column)) {
        throw new IllegalStateException("The bench's IO floor has no constant for the score table's column '"
            + column + "' (ScoreJob.ADDED_COLUMNS); add one, so that the floor writes what the score job writes.");
      }
      rows = rows.withColumn(column, constants.get(column));
    }
    io.vigil.warehouse.Tables.replacePartitions(rows, table, List.of("run_date", "detector"), "bench IO floor", Map.of());
  }

  static double time(Runnable task) {
    long start = System.nanoTime();
    task.run();
    return (System.nanoTime() - start) / 1e9;
  }

  static Map<String, Object> row(JobConfig c, String detector, String stage, long rows, double seconds,
      String baseline, double baselineSeconds) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("config", Path.of(c.source()).getFileName().toString());
    r.put("detector", detector);
    r.put("stage", stage);
    r.put("rows", rows);
    r.put("seconds", seconds);
    r.put("rows_per_s", rows / seconds);
    r.put("baseline", baseline);
    r.put("baseline_seconds", baselineSeconds);
    r.put("baseline_rows_per_s", rows / baselineSeconds);
    // For score: throughput relative to the IO floor (1.0 = as fast as copying the table).
    r.put("ratio_vs_baseline", stage.startsWith("score") ? baselineSeconds / seconds : seconds / baselineSeconds);
    r.put("test_roc_auc", Double.NaN);
    r.put("baseline_test_roc_auc", Double.NaN);
    r.put("measured_at", Instant.now().toString());
    r.put("git_commit", gitCommit());
    return r;
  }

  /**
   * Medians of {@code repeat} runs of {@code baseline} and of {@code task}, the two run in turns (after one warm-up
   * each): a machine that slows down or speeds up during the bench moves both alike, so their ratio holds.
   */
  static double[] pairedMedians(int repeat, Runnable baseline, Runnable task) {
    baseline.run();
    task.run();
    double[] a = new double[repeat];
    double[] b = new double[repeat];
    for (int i = 0; i < repeat; i++) {
      a[i] = time(baseline);
      b[i] = time(task);
    }
    Arrays.sort(a);
    Arrays.sort(b);
    return new double[] {a[repeat / 2], b[repeat / 2]};
  }

  static double median(int repeat, Runnable task) {
    task.run(); // warm-up: JIT, Spark code generation, file system caches
    double[] t = new double[repeat];
    for (int i = 0; i < repeat; i++) {
      t[i] = time(task);
    }
    Arrays.sort(t);
    return t[repeat / 2];
  }

  /** Writes {@code text} to dir/fileName (a hand-made table beside the generated files). */
  static void writeText(String dir, String fileName, CharSequence text) {
    try {
      Files.createDirectories(Path.of(dir));
      Files.writeString(Path.of(dir, fileName), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes name.csv, name.json and name.md under dir. */
  static void write(List<Map<String, Object>> rows, String dir, String name) {
    if (rows.isEmpty()) {
      return;
    }
    try {
      Path d = Path.of(dir);
      Files.createDirectories(d);
      List<String> cols = new ArrayList<>(rows.get(0).keySet());
      StringBuilder csv = new StringBuilder(String.join(",", cols)).append('\n');
      StringBuilder md = new StringBuilder("| " + String.join(" | ", cols) + " |\n|")
          .append(" --- |".repeat(cols.size())).append('\n');
      for (Map<String, Object> r : rows) {
        List<String> cells = new ArrayList<>();
        for (String col : cols) {
          Object v = r.get(col);
          cells.add(v instanceof Double x ? (x.isNaN() ? "" : String.format("%.4g", x)) : String.valueOf(v));
        }
        csv.append(String.join(",", cells)).append('\n');
        md.append("| ").append(String.join(" | ", cells)).append(" |\n");
      }
      Files.writeString(d.resolve(name + ".csv"), csv);
      Files.writeString(d.resolve(name + ".md"), md);
      Files.writeString(d.resolve(name + ".json"), new com.fasterxml.jackson.databind.ObjectMapper()
          .writerWithDefaultPrettyPrinter().writeValueAsString(rows) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

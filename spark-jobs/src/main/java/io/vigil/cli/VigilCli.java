package io.vigil.cli;

import io.vigil.bench.AdbenchSemiSuite;
import io.vigil.bench.AdbenchSuite;
import io.vigil.bench.CalibrationBench;
import io.vigil.bench.EnsembleSuite;
import io.vigil.bench.KnnScalingBench;
import io.vigil.bench.LoadBench;
import io.vigil.bench.NabSuite;
import io.vigil.bench.ScaleCurveBench;
import io.vigil.bench.TimingBench;
import io.vigil.detectors.Detectors;
import io.vigil.jobs.EvaluateJob;
import io.vigil.jobs.JobConfig;
import io.vigil.jobs.JobContext;
import io.vigil.jobs.NightlyJob;
import io.vigil.jobs.PrepareJob;
import io.vigil.jobs.RunJob;
import io.vigil.jobs.ScoreJob;
import io.vigil.jobs.SqlJob;
import io.vigil.jobs.TrainJob;
import io.vigil.reports.MetricTable;
import io.vigil.reports.RunReport;
import io.vigil.warehouse.ScoreInfo;
import io.vigil.warehouse.Warehouse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import scala.runtime.BoxedUnit;
import scala.util.Either;
import scopt.OptionParser;
import scopt.Read$;
import scopt.Read;

/**
 * The command line: {@code vigil <command> [options]}, commands prepare, train, score, evaluate, run,
 * nightly, bench and sql, each with {@code --help}. The only class that knows scopt; jobs live in
 * {@code io.vigil.jobs}.
 */
public final class VigilCli {

  /** A command: its help line and what it does with the session and the parsed options. */
  record Command(String help, java.util.function.BiConsumer<SparkSession, CliArgs> action) {}

  /** The commands, in the order the usage lists them: the CLI dispatches from this table. */
  static final Map<String, Command> COMMANDS = new java.util.LinkedHashMap<>();

  /** bench's suites ({@code --suite}); without one, the timings (or --load, --curve). */
  static final Map<String, java.util.function.BiConsumer<SparkSession, CliArgs>> BENCH_SUITES =
      new java.util.LinkedHashMap<>();

  static {
    COMMANDS.put("prepare", new Command("build the prepared input tables (KDD protocols) from the raw files",
        (spark, a) -> PrepareJob.run(context(spark, a)).forEach((k, v) -> System.out.printf("%-20s %,d rows%n", k, v))));
    COMMANDS.put("train", new Command("fit feature preparation + detector, choose the threshold, save a model version",
        VigilCli::train));
    COMMANDS.put("score", new Command("score the input with the current model into partition run_date=D of the score"
        + " table", VigilCli::score));
    COMMANDS.put("evaluate", new Command("metrics of a scored date: metrics table row, metrics.json, PNGs",
        VigilCli::evaluate));
    COMMANDS.put("run", new Command("prepare (if needed), train, score and evaluate, then print the metric table",
        VigilCli::runAll));
    COMMANDS.put("nightly", new Command("scheduled run for --date: reuse or retrain each model, score the date,"
        + " metrics + drift", VigilCli::nightly));
    COMMANDS.put("bench", new Command("time train and score against same-run baselines; CSV/JSON/Markdown results",
        VigilCli::bench));
    COMMANDS.put("sql", new Command("run a read-only SQL query (or ';'-separated queries) over the warehouse tables",
        (spark, a) -> SqlJob.runScript(spark, new Warehouse(a.output, spark.sparkContext().hadoopConfiguration()),
            a.query, a.allowWrites).stream()
            .filter(result -> result.schema().nonEmpty()) // a write's result has no columns to show
            .forEach(result -> result.show(1000, false))));
    BENCH_SUITES.put("adbench", VigilCli::benchAdbench);
    BENCH_SUITES.put("adbench-semi", (spark, a) -> {
      AdbenchSemiSuite.run(spark, a.conf != null ? a.conf : a.confDir + "/adbench-semi.conf", a.output, a.sets,
          a.detector, a.date, a.results).forEach(r -> System.out.printf("%-12s %-8s ROC AUC x100 %.2f (sd %.2f, %d"
              + " runs)  DTE %.2f%n", r.get("set"), r.get("detector"), r.get("roc_auc_x100_mean"),
              r.get("roc_auc_x100_sd"), r.get("runs"), r.get("dte_published_roc_auc_x100")));
      System.out.println("Results: " + a.results + "/adbench-semi{,-runs}.{csv,json,md}, adbench-semi-table.md");
    });
    BENCH_SUITES.put("knn-scaling", (spark, a) -> {
      JobContext ctx = context(spark, a);
      KnnScalingBench.run(ctx, Integer.parseInt(a.sets.getOrDefault("bench.scoreRows", "50000")), 3, a.results)
          .forEach(r -> System.out.printf("%-40s %,10d rows  %8.2f s  %,12.0f rows/s  IO floor %.2f s  ratio %.3f%n",
              r.get("stage"), r.get("rows"), r.get("seconds"), r.get("rows_per_s"), r.get("baseline_seconds"),
              r.get("ratio_vs_baseline")));
      System.out.println("Results: " + a.results + "/knn-scaling-" + ctx.datasetKey() + ".{csv,json,md}");
    });
    BENCH_SUITES.put("nab", VigilCli::benchNab);
    BENCH_SUITES.put("ensemble", VigilCli::benchEnsemble);
    BENCH_SUITES.put("calibration", (spark, a) -> {
      CalibrationBench.run(spark, a.confDir, a.output, a.sets, a.detector, a.date, a.results).forEach(r ->
          System.out.printf("%-22s %-8s calibration %.1f  target %.2f  fresh share %.4f (x%.2f)  PSI %.4f%n",
              r.get("dataset"), r.get("detector"), r.get("calibration_fraction"), r.get("contamination"),
              r.get("fresh_share_flagged"), r.get("ratio_to_target"), r.get("psi_fresh_vs_baseline")));
      System.out.println("Results: " + a.results + "/calibration.{csv,json,md}, calibration-table.md");
    });
  }

  private VigilCli() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command; returns the process exit code (0 ok, 1 job failed, 2 bad command line). */
  public static int run(String[] args) {
    if (args.length == 0 || !COMMANDS.containsKey(args[0])) {
      System.err.println(usage(args.length == 0 ? null : args[0]));
      return args.length > 0 && (args[0].equals("--help") || args[0].equals("-h")) ? 0 : 2;
    }
    CliArgs a = new CliArgs();
    a.command = args[0];
    CommandParser parser = new CommandParser(a.command);
    if (Arrays.asList(args).contains("--help")) {
      // Before parsing, so that required options (--conf) do not turn a request for help into an error.
      parser.displayToOut(parser.usage());
      return 0;
    }
    scala.Option<CliArgs> parsed = parser.parse(
        scala.collection.JavaConverters.asScalaBuffer(Arrays.asList(args).subList(1, args.length)).toList(),
        a);
    if (parsed.isEmpty()) {
      return 2;
    }
    if (a.date == null) {
      a.date = LocalDate.now(ZoneOffset.UTC).toString();
    }
    SparkSession spark = session(a);
    try {
      execute(spark, a);
      return 0;
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("vigil " + a.command + " failed: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      System.err.println("vigil " + a.command + " failed: " + e + (root != e ? "\n  caused by: " + root : ""));
      e.printStackTrace();
      return 1;
    }
  }

  private static void execute(SparkSession spark, CliArgs a) {
    COMMANDS.get(a.command).action().accept(spark, a);
  }

  /** The job context of a command that reads a config; {@code ${run_date}} in it names the date's input. */
  private static JobContext context(SparkSession spark, CliArgs a) {
    return context(spark, a, a.date);
  }

  private static JobContext context(SparkSession spark, CliArgs a, String runDate) {
    if (a.conf == null) {
      throw new IllegalArgumentException("--conf FILE is required.");
    }
    Map<String, String> sets = new java.util.LinkedHashMap<>(a.sets);
    sets.putIfAbsent("run_date", runDate);
    return JobContext.of(spark, JobConfig.load(a.conf, a.output, sets));
  }

  private static void train(SparkSession spark, CliArgs a) {
    JobContext ctx = context(spark, a);
    for (String d : detectors(ctx, a)) {
      TrainJob.Result r = TrainJob.run(ctx, d);
      System.out.printf("%s %s -> %s (threshold %.6g, %s)%n", d, r.version(), r.modelPath(), r.info().threshold(),
          r.info().thresholdStrategy());
    }
  }

  private static void score(SparkSession spark, CliArgs a) {
    JobContext ctx = context(spark, a);
    for (String d : detectors(ctx, a)) {
      ScoreInfo info = ScoreJob.run(ctx, d, a.date, a.modelVersion);
      System.out.printf("%s: %s rows scored (%s rejected) into %s, run_date=%s%n", d, info.rowsScored(),
          info.rowsRejected(), info.table(), a.date);
    }
  }

  private static void evaluate(SparkSession spark, CliArgs a) {
    JobContext ctx = context(spark, a);
    List<Map<String, Object>> rows = new java.util.ArrayList<>();
    for (String d : detectors(ctx, a)) {
      rows.add(EvaluateJob.run(ctx, d, a.date));
    }
    System.out.print(MetricTable.format(rows));
    System.out.printf("Report: %s%n", RunReport.write(ctx.reportInputs(), a.date, detectors(ctx, a)));
  }

  private static void runAll(SparkSession spark, CliArgs a) {
    JobContext ctx = context(spark, a);
    List<Map<String, Object>> rows = RunJob.run(ctx, detectors(ctx, a), a.date, a.forcePrepare);
    System.out.println();
    System.out.print(MetricTable.format(rows));
    System.out.printf("%nScores: %s (run_date=%s)%nMetrics: %s%nReport: %s%n",
        ctx.warehouse().table(ctx.config().get("scores.table")), a.date, ctx.warehouse().metricsTable(),
        RunReport.path(ctx.warehouse(), a.date, ctx.datasetKey()));
  }

  /**
   * One date, or with --until every date from --date to it in order in this one Spark session (a backfill: the
   * same runs a scheduler would make night by night, without a JVM and model load per date). It stops at the first
   * date that fails; the dates before it are committed, so a rerun can start from the failed one.
   */
  private static void nightly(SparkSession spark, CliArgs a) {
    if (a.until != null && a.sets.containsKey("run_date")) {
      throw new IllegalArgumentException("--until runs a range of dates: drop --set run_date (use --date).");
    }
    for (String date : NightlyJob.dates(a.date, a.until)) {
      JobContext ctx = context(spark, a, date);
      List<Map<String, Object>> rows = NightlyJob.run(ctx, detectors(ctx, a), date);
      System.out.println();
      System.out.print(MetricTable.format(rows));
      rows.forEach(r -> System.out.println(NightlyJob.summary(r)));
    }
  }

  private static void bench(SparkSession spark, CliArgs a) {
    if (a.suite != null) {
      java.util.function.BiConsumer<SparkSession, CliArgs> suite = BENCH_SUITES.get(a.suite);
      if (suite == null) {
        throw new IllegalArgumentException("--suite must be one of " + BENCH_SUITES.keySet() + ", got '" + a.suite
            + "'.");
      }
      suite.accept(spark, a);
      return;
    }
    JobContext ctx = context(spark, a);
    if (a.load > 0) {
      LoadBench.run(ctx, detectors(ctx, a), a.load, a.repeat, a.results).forEach(r -> System.out.printf(
          "%-8s %,12d rows  %8.1f s  %,10.0f rows/s  IO floor %.1f s (ratio %.3f)  peak heap %.0f of %.0f MB%n",
          r.get("detector"), r.get("rows"), r.get("seconds"), r.get("rows_per_s"), r.get("baseline_seconds"),
          r.get("ratio_vs_baseline"), r.get("peak_heap_mb"), r.get("max_heap_mb")));
      System.out.println("Results: " + a.results + "/bench-load-" + ctx.datasetKey() + ".{csv,json,md}");
    } else if (a.curve != null) {
      int[] factors = java.util.Arrays.stream(a.curve.split(",")).map(String::trim).mapToInt(Integer::parseInt)
          .toArray();
      ScaleCurveBench.run(ctx, detectors(ctx, a), factors, a.results).forEach(r -> System.out.printf(
          "%-8s %-10s %,12d rows  %9.2f s  %8.3f us/row  growth %.3f  IO floor %.2f s%n", r.get("detector"),
          r.get("stage"), r.get("rows"), r.get("seconds"), r.get("us_per_row"), r.get("growth"),
          r.get("baseline_seconds")));
      System.out.println("Results: " + a.results + "/scale-curve-" + ctx.datasetKey() + ".{csv,json,md,png}");
    } else {
      List<Map<String, Object>> rows = TimingBench.run(ctx, detectors(ctx, a), a.repeat, a.scale, a.results);
      rows.forEach(r -> System.out.printf("%-8s %-6s %,10d rows  %8.3f s  %,12.0f rows/s   baseline %s: %8.3f s"
              + "  ratio %.3f%n", r.get("detector"), r.get("stage"), r.get("rows"), r.get("seconds"),
          r.get("rows_per_s"), r.get("baseline"), r.get("baseline_seconds"), r.get("ratio_vs_baseline")));
      System.out.println("Results: " + a.results + "/bench-" + ctx.datasetKey() + ".{csv,json,md}");
    }
  }

  private static void benchAdbench(SparkSession spark, CliArgs a) {
    List<Map<String, Object>> rows = AdbenchSuite.run(spark, a.confDir, a.output, a.sets, a.detector, a.date,
        a.results);
    rows.forEach(r -> System.out.printf("%-12s %-8s ROC AUC %.4f  PR AUC %.4f  ADBench %.4f  linkedin %s%n",
        r.get("dataset"), r.get("detector"), r.get("roc_auc"), r.get("pr_auc"), r.get("adbench_published_roc_auc"),
        r.get("linkedin_iforest_roc_auc")));
    System.out.println("Results: " + a.results + "/adbench-auc.{csv,json,md}");
  }

  private static void benchNab(SparkSession spark, CliArgs a) {
    String conf = a.conf != null ? a.conf : a.confDir + "/nab.conf";
    List<Map<String, Object>> rows = NabSuite.run(spark, conf, a.output, a.sets, NabSuite.series(a.sets.get(
        "nab.series")), a.date, a.results);
    rows.forEach(r -> System.out.println(r));
    System.out.println("Results: " + a.results + "/nab.{csv,json,md}");
  }

  private static void benchEnsemble(SparkSession spark, CliArgs a) {
    JobContext ctx = context(spark, a);
    EnsembleSuite.run(ctx, a.date, a.results).forEach(r -> System.out.printf(
        "%-10s ROC AUC %.4f  PR AUC %.4f  F1 %.4f  weights %s%n", r.get("detector"), r.get("roc_auc"),
        r.get("pr_auc"), r.get("f1"), r.get("weights")));
    System.out.println("Results: " + a.results + "/ensemble-" + ctx.datasetKey() + ".{csv,json,md}");
  }

  private static List<String> detectors(JobContext ctx, CliArgs a) {
    return Detectors.parseList(a.detector != null ? a.detector : ctx.config().get("detectors", "all"));
  }

  /**
   * local[*] unless --master is given or spark-submit already chose one. Kryo with ND4J's registrator
   * (INDArrays in DL4J's DataSets) unless spark-submit set a serializer.
   */
  static SparkSession session(CliArgs a) {
    String master = a.master != null ? a.master : System.getProperty("spark.master", "local[*]");
    SparkSession.Builder builder = SparkSession.builder();
    // The vigil catalog over <output>/catalog, so SQL sees vigil.<table> (spark-submit settings win).
    String catalogDir = new org.apache.hadoop.fs.Path(a.output, "catalog").toString();
    if (!catalogDir.contains("://") && !catalogDir.startsWith("/")) {
      catalogDir = java.nio.file.Path.of(catalogDir).toAbsolutePath().normalize().toString();
    }
    // The catalog's warehouse always follows --output (the tables live there); the rest defers to spark-submit.
    io.vigil.warehouse.Tables.catalogConf(catalogDir).forEach((k, v) -> builder.config(k,
        k.endsWith(".warehouse") ? v : System.getProperty(k, v)));
    return builder.appName("vigil " + a.command).master(master)
        .config("spark.serializer", System.getProperty("spark.serializer",
            "org.apache.spark.serializer.KryoSerializer"))
        .config("spark.kryo.registrator", System.getProperty("spark.kryo.registrator",
            io.vigil.core.VigilKryoRegistrator.REGISTRATORS))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate();
  }

  static String usage(String bad) {
    StringBuilder s = new StringBuilder();
    if (bad != null && !bad.equals("--help") && !bad.equals("-h")) {
      s.append("Unknown command '").append(bad).append("'.\n\n");
    }
    s.append("Usage: vigil <command> [options]   (vigil <command> --help for its options)\n\nCommands:\n");
    COMMANDS.forEach((k, v) -> s.append(String.format("  %-9s %s%n", k, v.help())));
    s.append("\nDetectors: ").append(Detectors.names()).append(", a comma list, or all.");
    return s.toString();
  }

  /** One scopt parser per command, so that each has its own --help. */
  static final class CommandParser extends OptionParser<CliArgs> {
    private static final Read<String> STRING = Read$.MODULE$.stringRead();

    @SuppressWarnings("unchecked")
    CommandParser(String command) {
      super("vigil " + command);
      head(seq("vigil " + command + ":", COMMANDS.get(command).help()));
      help("help").text("print this help and exit");
      if (!command.equals("sql")) {
        OptionDefHolder.conf(this, command.equals("bench"));
      }
      this.<String>opt("output", STRING).valueName("DIR")
          .text("the warehouse root (models, tables, reports); default ./warehouse")
          .action((v, c) -> { c.output = v; return c; });
      this.<String>opt("master", STRING).valueName("URL")
          .text("Spark master; default local[*], or what spark-submit set")
          .action((v, c) -> { c.master = v; return c; });
      if (List.of("train", "score", "evaluate", "run", "nightly", "bench").contains(command)) {
        this.<String>opt("detector", STRING).valueName("NAMES")
            .text("a detector " + Detectors.names() + ", a comma list, or all; default: the config's detectors")
            .action((v, c) -> { c.detector = v; return c; });
      }
      if (List.of("score", "evaluate", "run", "nightly").contains(command)) {
        this.<String>opt("date", STRING).valueName("YYYY-MM-DD")
            .text("the run date (score table partition): a date, 'today' or 'yesterday' (UTC, for schedulers that"
                + " cannot template one); default today")
            .validate(v -> validDate(runDate(v)))
            .action((v, c) -> { c.date = runDate(v); return c; });
      }
      if (command.equals("nightly")) {
        this.<String>opt("until", STRING).valueName("YYYY-MM-DD")
            .text("backfill: run every date from --date through this one, in order, in one Spark session")
            .validate(v -> validDate(runDate(v)))
            .action((v, c) -> { c.until = runDate(v); return c; });
      }
      if (command.equals("score")) {
        this.<String>opt("model-version", STRING).valueName("VERSION")
            .text("score with this model version instead of the current one")
            .action((v, c) -> { c.modelVersion = v; return c; });
      }
      if (command.equals("run")) {
        opt("force-prepare", Read$.MODULE$.unitRead()).text("prepare the input tables even if they exist")
            .action((v, c) -> { c.forcePrepare = true; return c; });
      }
      if (command.equals("bench")) {
        this.<Object>opt("repeat", (Read<Object>) (Read<?>) Read$.MODULE$.intRead()).valueName("N")
            .text("timed repetitions per measurement (median reported); default 3")
            .action((v, c) -> { c.repeat = (Integer) v; return c; });
        this.<Object>opt("scale", (Read<Object>) (Read<?>) Read$.MODULE$.intRead()).valueName("N")
            .text("replicate the scoring input N times; default 1")
            .action((v, c) -> { c.scale = (Integer) v; return c; });
        this.<Object>opt("load", (Read<Object>) (Read<?>) Read$.MODULE$.longRead()).valueName("ROWS")
            .text("instead: the load bench, one nightly run over the scoring input replicated to ROWS rows")
            .action((v, c) -> { c.load = (Long) v; return c; });
        this.<String>opt("curve", STRING).valueName("F1,F2,..")
            .text("instead: the scale curve, training and scoring at these multiples of the rows (e.g. 1,4,16)")
            .action((v, c) -> { c.curve = v; return c; });
        this.<String>opt("results", STRING).valueName("DIR").text("where results go; default bench/results")
            .action((v, c) -> { c.results = v; return c; });
        this.<String>opt("suite", STRING).valueName("NAME")
            .text("instead of --conf: 'adbench' runs every detector over conf-dir/adbench-*.conf and writes one AUC"
                + " table beside the published figures; 'adbench-semi' every detector at its defaults on the six"
                + " ADBench sets, seeds 0-4 (--set sets=A,B, --set seeds=0,1), beside DTE's Table 1; 'nab' (nab-causal)"
                + " seq2seq on the three NAB series (conf-dir/nab.conf; or on those listed by --set nab.series=A,B)"
                + " beside PCA and Isolation Forest on the same windows and NAB's published detectors, NAB scores per"
                + " profile; 'ensemble' (with --conf) runs the config's ensemble beside each of its members;"
                + " 'knn-scaling' (with --conf) the knn score job at 1x, 4x, 16x reference rows; 'calibration' the"
                + " label-free thresholds on fresh normal rows (kdd-honest and the six ADBench sets at their defaults;"
                + " --set calibration.sets=kdd-honest,cardio, --set calibration.repeats=N splits of the small sets)")
            .action((v, c) -> { c.suite = v; return c; });
        this.<String>opt("conf-dir", STRING).valueName("DIR").text("where --suite finds its configs; default conf")
            .action((v, c) -> { c.confDir = v; return c; });
      }
      if (command.equals("sql")) {
        this.<String>arg("QUERY", STRING).text("a SELECT over the warehouse tables: vigil.<table> (e.g. vigil.metrics) or"
            + " the bare table name; several statements separated by ';' run in order")
            .action((v, c) -> { c.query = v; return c; });
        opt("allow-writes", Read$.MODULE$.unitRead()).text("allow statements that change tables (INSERT, DELETE,"
            + " DROP, ...); without it only SELECT, WITH, SHOW, DESCRIBE and EXPLAIN run")
            .action((v, c) -> { c.allowWrites = true; return c; });
      }
      if (!command.equals("sql")) {
        this.<String>opt("set", STRING).unbounded().valueName("KEY=VALUE")
            .text("override a config key (repeatable), e.g. --set pca.k=5")
            .validate(v -> v.contains("=") ? success() : failure("--set takes KEY=VALUE, got '" + v + "'"))
            .action((v, c) -> {
              int i = v.indexOf('=');
              c.sets.put(v.substring(0, i).trim(), v.substring(i + 1).trim());
              return c;
            });
      }
    }

    /** --conf: required, except for bench, whose --suite needs none. */
    static final class OptionDefHolder {
      static void conf(CommandParser p, boolean optional) {
        scopt.OptionDef<String, CliArgs> o = p.<String>opt("conf", STRING).valueName("FILE")
            .text("the job config (conf/*.conf)" + (optional ? "; or use --suite" : ""))
            .action((v, c) -> { c.conf = v; return c; });
        if (!optional) {
          o.required();
        }
      }
    }

    /** --date's value: a yyyy-MM-dd date as given, or 'today' / 'yesterday' as of now (UTC). */
    static String runDate(String v) {
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      return v.equals("today") ? today.toString() : v.equals("yesterday") ? today.minusDays(1).toString() : v;
    }

    private Either<String, BoxedUnit> validDate(String v) {
      try {
        LocalDate.parse(v);
        return success();
      } catch (DateTimeParseException e) {
        return failure("--date must be YYYY-MM-DD, got '" + v + "'");
      }
    }

    private static scala.collection.Seq<String> seq(String... xs) {
      return scala.collection.JavaConverters.asScalaBuffer(Arrays.asList(xs)).toList();
    }

    /** Never exit the JVM from the parser: callers (tests, other JVM code) keep control. */
    @Override
    public void terminate(Either<String, BoxedUnit> exitState) {
      // --help is answered before parsing; errors make parse return None.
    }
  }
}

package io.vigil.jobs;

import static org.apache.spark.sql.functions.lit;

import io.vigil.core.AnomalyDetector;
import io.vigil.core.AnomalyModel;
import io.vigil.core.SharedParams;
import io.vigil.data.InputCheck;
import io.vigil.detectors.Detectors;
import io.vigil.eval.AnomalyEvaluator;
import io.vigil.ocsvm.OneClassSvmDetector;
import io.vigil.ocsvm.OneClassSvmModel;
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
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * bench: times training and scoring of each detector on a config's data, each beside a same-run
 * baseline, and writes CSV, JSON and a Markdown table under the results directory.
 *
 * <ul>
 *   <li>train: fitting feature preparation + detector, against fitting the feature preparation alone
 *       (the reading and scaling every detector pays);</li>
 *   <li>score: Parquet read → score → Parquet write, against the IO floor: the same read → write with
 *       a constant column added.</li>
 * </ul>
 * Each timing is the median of {@code repeat} runs after one warm-up.
 */
public final class BenchJob {

  private BenchJob() {}

  public static List<Map<String, Object>> run(JobContext ctx, List<String> detectors, int repeat, int scale,
      String resultsDir) {
    if (!PrepareJob.isPrepared(ctx)) {
      PrepareJob.run(ctx);
    }
    JobConfig c = ctx.config();
    String work = ctx.warehouse().root() + "/bench-tmp";
    InputCheck.Result train = ctx.readChecked("train.path");
    Dataset<Row> trainRows = train.valid().cache();
    long trainCount = trainRows.count();
    // The scoring input, replicated `scale` times, as Parquet: both contestants read the same files.
    String scoreInput = work + "/score-input";
    Dataset<Row> test = ctx.readChecked(c.has("score.path") ? "score.path" : "test.path").valid();
    Dataset<Row> replicated = test;
    for (int i = 1; i < scale; i++) {
      replicated = replicated.union(test);
    }
    replicated.write().mode(SaveMode.Overwrite).parquet(scoreInput);
    long scoreRows = ctx.spark().read().parquet(scoreInput).count();

    List<PipelineStage> featureStages = ctx.featurePipeline().stages();
    double featureFit = median(repeat, () -> new Pipeline()
        .setStages(featureStages.toArray(new PipelineStage[0])).fit(trainRows));
    double ioFloor = median(repeat, () -> ctx.spark().read().parquet(scoreInput).withColumn("bench_const", lit(1.0))
        .write().mode(SaveMode.Overwrite).parquet(work + "/io-floor"));

    List<String> inputCols = Arrays.asList(ctx.spark().read().parquet(scoreInput).columns());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String name : detectors) {
      Map<String, String> params = new LinkedHashMap<>(ctx.detectorParams(name));
      // Labelled thresholds need validation rows; the bench times the model itself.
      params.put("thresholdStrategy", SharedParams.CONTAMINATION);
      List<PipelineStage> stages = new ArrayList<>(ctx.featurePipeline(name).stages());
      AnomalyDetector<?, ?> detector = Detectors.create(name, params, ctx::detectorParams);
      stages.add(detector);
      Pipeline pipeline = new Pipeline().setStages(stages.toArray(new PipelineStage[0]));
      PipelineModel[] fitted = new PipelineModel[1];
      double trainSeconds = median(repeat, () -> fitted[0] = pipeline.fit(trainRows));
      double scoreSeconds = median(repeat, () -> fitted[0].transform(ctx.spark().read().parquet(scoreInput))
          .select("score", inputCols.toArray(new String[0])).write().mode(SaveMode.Overwrite)
          .parquet(work + "/scored-" + name));
      Map<String, Object> trainRow = row(c, name, "train", trainCount, trainSeconds, "feature pipeline fit",
          featureFit);
      trainRow.put("test_roc_auc", testAuc(ctx, fitted[0]));
      rows.add(trainRow);
      rows.add(row(c, name, "score", scoreRows, scoreSeconds, "parquet read+write (IO floor)", ioFloor));
      rows.add(scoreOnCachedFeatures(ctx, fitted[0], scoreInput, inputCols, scoreRows, ioFloor, repeat));
      if (io.vigil.pipeline.AnomalyPipeline.detectorOf(fitted[0]).explains()) {
        rows.add(explanationCost(ctx, fitted[0], scoreInput, repeat));
      }
      if (name.equals(OneClassSvmDetector.NAME)) {
        rows.add(ocsvmEnsembleVersusSingleFit(ctx, trainRows, fitted[0], repeat));
      }
      if (name.equals(io.vigil.autoencoder.AutoencoderDetector.NAME)) {
        rows.add(vigilVersusDl4jSparkTrainer(ctx, trainRows, stages, params, repeat));
      }
    }
    trainRows.unpersist();
    ctx.warehouse().delete(work);
    write(rows, resultsDir, "bench-" + ctx.datasetKey());
    return rows;
  }

  /**
   * The detector alone on cached input: the scoring rows after feature preparation, cached in memory,
   * scored into the score table's columns, against the IO floor; the rows go to Spark's no-op sink, so
   * the time is the scorer's, not a second Parquet write. The end-to-end row ("score") also pays Spark
   * ML's feature preparation (VectorAssembler and scaler, as costly as the networks here) and the write.
   */
  static Map<String, Object> scoreOnCachedFeatures(JobContext ctx, PipelineModel fitted, String scoreInput,
      List<String> inputCols, long scoreRows, double ioFloor, int repeat) {
    Dataset<Row> prepared = io.vigil.pipeline.AnomalyPipeline.featuresOf(fitted).transform(ctx.spark().read().parquet(scoreInput))
        .cache();
    prepared.count();
    AnomalyModel<?> detector = io.vigil.pipeline.AnomalyPipeline.detectorOf(fitted);
    double seconds = median(repeat, () -> detector.transform(prepared)
        .select(detector.getScoreCol(), inputCols.toArray(new String[0])).write().format("noop")
        .mode(SaveMode.Overwrite).save());
    prepared.unpersist();
    return row(ctx.config(), detector.detectorName(), "score on cached features (no write)", scoreRows, seconds,
        "parquet read+write (IO floor)", ioFloor);
  }

  /** Rows the explanation bench scores: enough for a stable time, few enough for the perturbation explainers. */
  static final int EXPLAIN_BENCH_ROWS = 20_000;

  /**
   * What explanations cost: the first {@link #EXPLAIN_BENCH_ROWS} scoring rows (features prepared and
   * cached) scored with the top 3 features explained (flagged rows only, for the perturbation explainers)
   * against the same rows scored alone; ratio = explained time / score-only time.
   */
  static Map<String, Object> explanationCost(JobContext ctx, PipelineModel fitted, String scoreInput, int repeat) {
    Dataset<Row> prepared = io.vigil.pipeline.AnomalyPipeline.featuresOf(fitted).transform(ctx.spark().read().parquet(scoreInput))
        .limit(EXPLAIN_BENCH_ROWS).cache();
    long n = prepared.count();
    AnomalyModel<?> detector = io.vigil.pipeline.AnomalyPipeline.detectorOf(fitted);
    AnomalyModel<?> explaining = (AnomalyModel<?>) detector.copy(new org.apache.spark.ml.param.ParamMap()
        .put(detector.explainTopK(), 3));
    double plain = median(repeat, () -> detector.transform(prepared).select(detector.getScoreCol()).write()
        .format("noop").mode(SaveMode.Overwrite).save());
    double explained = median(repeat, () -> explaining.transform(prepared).select(detector.getScoreCol(),
        io.vigil.core.Explanations.topFeaturesCol(detector.getScoreCol())).write().format("noop")
        .mode(SaveMode.Overwrite).save());
    long flagged = detector.transform(prepared).where(org.apache.spark.sql.functions.col(detector.getPredictionCol())
        .equalTo(1.0)).count();
    prepared.unpersist();
    return row(ctx.config(), detector.detectorName(), String.format("explain top 3 (%d rows flagged), cached features"
        + " (no write)", flagged), n, explained, "the same rows scored without explanations", plain);
  }

  /**
   * The one-class SVM ensemble's fit alone (no threshold pass) against one Smile fit, on the driver, on
   * as many rows as the ensemble trains on in all (numModels x maxRowsPerModel, a seeded sample). A
   * single fit on every training row is not measured: kernel SVM training grows faster than
   * quadratically (bench notes in the README), so it would take hours on the KDD training rows.
   */
  static Map<String, Object> ocsvmEnsembleVersusSingleFit(JobContext ctx, Dataset<Row> trainRows,
      PipelineModel fitted, int repeat) {
    Dataset<Row> features = io.vigil.pipeline.AnomalyPipeline.featuresOf(fitted).transform(trainRows).select("features").cache();
    long n = features.count();
    Map<String, String> params = new LinkedHashMap<>(ctx.detectorParams(OneClassSvmDetector.NAME));
    params.put("thresholdStrategy", SharedParams.FIXED);
    params.put("threshold", "0");
    OneClassSvmDetector detector = (OneClassSvmDetector) Detectors.create(OneClassSvmDetector.NAME, params);
    OneClassSvmModel[] model = new OneClassSvmModel[1];
    double ensemble = median(repeat, () -> model[0] = detector.fit(features));
    int rowsUsed = (int) Math.min(n, (long) model[0].numMembers() * detector.getMaxRowsPerModel());
    double[][] sample = features.sample(false, Math.min(1.0, 1.05 * rowsUsed / n), 42).limit(rowsUsed)
        .collectAsList().stream().map(r -> ((org.apache.spark.ml.linalg.Vector) r.get(0)).toArray())
        .toArray(double[][]::new);
    double sigma = Math.sqrt(1.0 / (2.0 * model[0].gammaValue()));
    long start = System.nanoTime();
    smile.anomaly.SVM.fit(sample, new smile.math.kernel.GaussianKernel(sigma), detector.getNu(), detector.getTol());
    double single = (System.nanoTime() - start) / 1e9;
    features.unpersist();
    Map<String, Object> r = row(ctx.config(), OneClassSvmDetector.NAME,
        "fit " + model[0].numMembers() + " members", sample.length, ensemble,
        "one Smile fit on the same number of rows", single);
    r.put("ratio_vs_baseline", ensemble / single);
    return r;
  }

  /**
   * The load bench: one nightly run (train if needed, score, evaluate, drift) over the config's scoring
   * input replicated to at least {@code targetRows} rows, against the IO floor of the same rows
   * (Parquet read -> write); reports rows/s and the JVM's peak heap (driver and, on local[*], the
   * executors) beside the maximum heap.
   */
  public static List<Map<String, Object>> load(JobContext ctx, List<String> detectors, long targetRows,
      String resultsDir) {
    if (!PrepareJob.isPrepared(ctx)) {
      PrepareJob.run(ctx);
    }
    JobConfig c = ctx.config();
    String work = ctx.warehouse().root() + "/bench-load";
    String input = work + "/input";
    Dataset<Row> source = ctx.readChecked(c.has("score.path") ? "score.path" : "test.path").valid();
    long n = source.count();
    long copies = (targetRows + n - 1) / n;
    source.crossJoin(ctx.spark().range(copies).withColumnRenamed("id", "__copy")).drop("__copy")
        .write().mode(SaveMode.Overwrite).parquet(input);
    long rows = ctx.spark().read().parquet(input).count();
    long start = System.nanoTime();
    ctx.spark().read().parquet(input).withColumn("bench_const", lit(1.0)).write().mode(SaveMode.Overwrite)
        .parquet(work + "/io-floor");
    double floor = (System.nanoTime() - start) / 1e9;

    Map<String, String> raw = new LinkedHashMap<>(c.values());
    raw.put("score.path", input);
    raw.put("output", work + "/warehouse");
    JobContext loadCtx = JobContext.of(ctx.spark(), JobConfig.of(c.source(), raw));
    List<Map<String, Object>> out = new ArrayList<>();
    for (String d : detectors) {
      TrainJob.run(loadCtx, d); // the timed nightly run below reuses this model
      java.lang.management.ManagementFactory.getMemoryPoolMXBeans().forEach(
          java.lang.management.MemoryPoolMXBean::resetPeakUsage);
      start = System.nanoTime();
      NightlyJob.run(loadCtx, List.of(d), "2026-01-02");
      double seconds = (System.nanoTime() - start) / 1e9;
      long peak = 0;
      for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == java.lang.management.MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      Map<String, Object> r = row(c, d, "nightly load (score + evaluate)", rows, seconds,
          "parquet read+write (IO floor)", floor);
      r.put("ratio_vs_baseline", floor / seconds);
      r.put("peak_heap_mb", peak / 1e6);
      r.put("max_heap_mb", Runtime.getRuntime().maxMemory() / 1e6);
      r.put("master", ctx.spark().sparkContext().master());
      out.add(r);
    }
    ctx.warehouse().delete(work);
    write(out, resultsDir, "bench-load-" + ctx.datasetKey());
    return out;
  }

  /**
   * The scale curve: train and score each detector at {@code factors} times the config's rows (training
   * rows and scoring rows each replicated, every copy after the first jittered: each numeric feature times
   * 1 + 1% Gaussian noise, so no two copies are equal), and report the time per row at each size beside the
   * same-run IO floor (Parquet read+write of the scoring rows at that size). {@code growth} is the time per
   * row at a size over the time per row at the smallest: 1.0 is linear cost. Writes
   * {@code scale-curve-<dataset>.{csv,json,md}} and {@code scale-curve-<dataset>.png}.
   */
  public static List<Map<String, Object>> scaleCurve(JobContext ctx, List<String> detectors, int[] factors,
      String resultsDir) {
    if (!PrepareJob.isPrepared(ctx)) {
      PrepareJob.run(ctx);
    }
    JobConfig c = ctx.config();
    String work = ctx.warehouse().root() + "/bench-scale";
    Dataset<Row> train = ctx.readChecked("train.path").valid();
    Dataset<Row> test = ctx.readChecked(c.has("score.path") ? "score.path" : "test.path").valid();
    List<Map<String, Object>> rows = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<double[]> xs = new ArrayList<>();
    List<double[]> ys = new ArrayList<>();
    double[][] perRow = new double[2 * detectors.size() + 1][factors.length];
    double[] sizes = Arrays.stream(factors).asDoubleStream().toArray();
    for (int f = 0; f < factors.length; f++) {
      String trainPath = work + "/train-" + factors[f];
      String scorePath = work + "/score-" + factors[f];
      jittered(ctx, train, factors[f]).write().mode(SaveMode.Overwrite).parquet(trainPath);
      jittered(ctx, test, factors[f]).write().mode(SaveMode.Overwrite).parquet(scorePath);
      long trainCount = ctx.spark().read().parquet(trainPath).count();
      long scoreCount = ctx.spark().read().parquet(scorePath).count();
      double floor = median(1, () -> ctx.spark().read().parquet(scorePath).withColumn("bench_const", lit(1.0))
          .write().mode(SaveMode.Overwrite).parquet(work + "/io-floor"));
      perRow[2 * detectors.size()][f] = floor / scoreCount * 1e6;
      for (int d = 0; d < detectors.size(); d++) {
        String name = detectors.get(d);
        Map<String, String> params = new LinkedHashMap<>(ctx.detectorParams(name));
        params.put("thresholdStrategy", SharedParams.CONTAMINATION);
        List<PipelineStage> stages = new ArrayList<>(ctx.featurePipeline(name).stages());
        stages.add(Detectors.create(name, params, ctx::detectorParams));
        Pipeline pipeline = new Pipeline().setStages(stages.toArray(new PipelineStage[0]));
        PipelineModel[] fitted = new PipelineModel[1];
        // one run per size (a warm-up at the smallest only): the largest sizes take minutes
        Runnable fit = () -> fitted[0] = pipeline.fit(ctx.spark().read().parquet(trainPath));
        double trainSeconds = f == 0 ? median(1, fit) : time(fit);
        Runnable score = () -> fitted[0].transform(ctx.spark().read().parquet(scorePath)).select("score")
            .write().mode(SaveMode.Overwrite).parquet(work + "/scored");
        double scoreSeconds = f == 0 ? median(1, score) : time(score);
        perRow[2 * d][f] = trainSeconds / trainCount * 1e6;
        perRow[2 * d + 1][f] = scoreSeconds / scoreCount * 1e6;
        for (String stage : List.of("train", "score")) {
          boolean isTrain = stage.equals("train");
          Map<String, Object> r = row(c, name, stage + " x" + factors[f], isTrain ? trainCount : scoreCount,
              isTrain ? trainSeconds : scoreSeconds, "parquet read+write of the scoring rows (IO floor)", floor);
          r.put("factor", factors[f]);
          r.put("us_per_row", perRow[isTrain ? 2 * d : 2 * d + 1][f]);
          r.put("growth", perRow[isTrain ? 2 * d : 2 * d + 1][f] / perRow[isTrain ? 2 * d : 2 * d + 1][0]);
          r.put("master", ctx.spark().sparkContext().master());
          rows.add(r);
        }
      }
    }
    for (int d = 0; d < detectors.size(); d++) {
      for (int t = 0; t < 2; t++) {
        names.add(detectors.get(d) + (t == 0 ? " train" : " score"));
        xs.add(sizes);
        ys.add(perRow[2 * d + t]);
      }
    }
    names.add("IO floor (read+write)");
    xs.add(sizes);
    ys.add(perRow[2 * detectors.size()]);
    ctx.warehouse().delete(work);
    String name = "scale-curve-" + ctx.datasetKey();
    write(rows, resultsDir, name);
    try {
      Files.write(Path.of(resultsDir, name + ".png"), io.vigil.eval.Charts.linesPng("Scale curve: " + ctx.datasetKey()
          + " on " + ctx.spark().sparkContext().master() + " (factors " + Arrays.toString(factors) + ")",
          "size (times the config's training and scoring rows)", "microseconds per row", names, xs, ys, true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** {@code rows} replicated {@code factor} times; every copy after the first has its numeric features jittered. */
  private static Dataset<Row> jittered(JobContext ctx, Dataset<Row> rows, int factor) {
    Dataset<Row> copies = rows.crossJoin(ctx.spark().range(factor).withColumnRenamed("id", "__copy"));
    List<String> numeric = ctx.numericFeatures();
    for (int i = 0; i < numeric.size(); i++) {
      String column = numeric.get(i);
      org.apache.spark.sql.Column value = org.apache.spark.sql.functions.col(column).cast("double");
      copies = copies.withColumn(column, org.apache.spark.sql.functions.when(
          org.apache.spark.sql.functions.col("__copy").equalTo(0), value)
          .otherwise(value.multiply(lit(1.0).plus(org.apache.spark.sql.functions.randn(42 + i).multiply(0.01)))));
    }
    return copies.drop("__copy");
  }

  private static double time(Runnable task) {
    long start = System.nanoTime();
    task.run();
    return (System.nanoTime() - start) / 1e9;
  }

  /** ROC AUC of a fitted pipeline on the config's labelled test rows (reported, never used to choose). */
  private static double testAuc(JobContext ctx, PipelineModel model) {
    if (!ctx.config().has("test.path")) {
      return Double.NaN;
    }
    Dataset<Row> test = ctx.readChecked("test.path").valid();
    AnomalyModel<?> detector = io.vigil.pipeline.AnomalyPipeline.detectorOf(model);
    return new AnomalyEvaluator().setScoreCol(detector.getScoreCol()).setLabelCol(ctx.labelCol())
        .evaluate(model.transform(test));
  }

  /**
   * The autoencoder trained by Vigil's parameter averaging against dl4j-spark's training master: same
   * rows, feature pipeline, network, epochs, schedule and seed; time and test ROC AUC of each.
   */
  static Map<String, Object> vigilVersusDl4jSparkTrainer(JobContext ctx, Dataset<Row> trainRows,
      List<PipelineStage> stages, Map<String, String> params, int repeat) {
    PipelineModel[] fitted = new PipelineModel[2];
    double[] seconds = new double[2];
    String[] trainers = {"vigil", "dl4j-spark"};
    for (int i = 0; i < 2; i++) {
      Map<String, String> p = new LinkedHashMap<>(params);
      p.put("trainer", trainers[i]);
      List<PipelineStage> s = new ArrayList<>(stages.subList(0, stages.size() - 1));
      s.add(Detectors.create(io.vigil.autoencoder.AutoencoderDetector.NAME, p));
      Pipeline pipeline = new Pipeline().setStages(s.toArray(new PipelineStage[0]));
      final int k = i;
      seconds[i] = median(repeat, () -> fitted[k] = pipeline.fit(trainRows));
    }
    Map<String, Object> r = row(ctx.config(), io.vigil.autoencoder.AutoencoderDetector.NAME,
        "train (vigil trainer)", trainRows.count(), seconds[0], "train (dl4j-spark trainer)", seconds[1]);
    r.put("test_roc_auc", testAuc(ctx, fitted[0]));
    r.put("baseline_test_roc_auc", testAuc(ctx, fitted[1]));
    return r;
  }

  private static Map<String, Object> row(JobConfig c, String detector, String stage, long rows, double seconds,
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
    return r;
  }

  private static double median(int repeat, Runnable task) {
    task.run(); // warm-up: JIT, Spark code generation, file system caches
    double[] t = new double[repeat];
    for (int i = 0; i < repeat; i++) {
      t[i] = time(task);
    }
    Arrays.sort(t);
    return t[repeat / 2];
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

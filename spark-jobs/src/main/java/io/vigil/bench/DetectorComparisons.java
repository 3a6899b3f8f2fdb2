package io.vigil.bench;

import io.vigil.autoencoder.AutoencoderDetector;
import io.vigil.bigan.BiGanParams;
import io.vigil.core.AnomalyDetector;
import io.vigil.core.SharedParams;
import io.vigil.detectors.Detectors;
import io.vigil.jobs.JobContext;
import io.vigil.ocsvm.OneClassSvmDetector;
import io.vigil.ocsvm.OneClassSvmModel;
import io.vigil.sequence.SequenceParams;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Each detector's own comparisons in the timings, by detector name: the one-class SVM ensemble against one
 * fit on as many rows, and its scoring against scikit-learn's on the same support vectors; the autoencoder
 * trained by Vigil's parameter averaging against dl4j-spark's; the neural training schedules against the ones
 * before longer rounds were chosen; the sequence model's plain-Java training against DL4J's fit.
 */
public final class DetectorComparisons {

  private DetectorComparisons() {}

  /** One detector's extra comparisons: rows, each beside its own same-run baseline. */
  @FunctionalInterface
  interface Comparison {
    List<Map<String, Object>> run(JobContext ctx, Dataset<Row> trainRows, String scoreInput, PipelineModel fitted,
        List<PipelineStage> stages, Map<String, String> params, int repeat);
  }

  static final Map<String, Comparison> BY_DETECTOR = Map.of(
      OneClassSvmDetector.NAME, (ctx, train, scoreInput, fitted, stages, params, repeat) -> List.of(
          ocsvmEnsembleVersusSingleFit(ctx, train, fitted, repeat),
          ocsvmScoringVersusScikitLearn(ctx, scoreInput, fitted, repeat)),
      AutoencoderDetector.NAME, (ctx, train, scoreInput, fitted, stages, params, repeat) ->
          autoencoderTraining(ctx, train, stages, params, repeat),
      BiGanParams.NAME, (ctx, train, scoreInput, fitted, stages, params, repeat) ->
          scheduleVersusBefore(ctx, train, stages, BiGanParams.NAME, params, repeat).stream().toList(),
      SequenceParams.NAME, (ctx, train, scoreInput, fitted, stages, params, repeat) -> List.of(
          trainVersus(ctx, train, stages, SequenceParams.NAME, params, Map.of("plainJavaTraining", "true"),
              "train (plain-Java LSTM)", Map.of("plainJavaTraining", "false"),
              "train (DL4J's fit, the same schedule)", repeat)));

  /** Rows of the scoring comparison with scikit-learn (it reads them from a CSV file). */
  static final int SKLEARN_ROWS = 20_000;

  /**
   * The one-class SVM's scoring on one core against scikit-learn's OneClassSVM on one core, on the same
   * {@link #SKLEARN_ROWS} prepared scoring rows and the same support vectors, kernel and width
   * ({@code bench/scripts/sklearn_ocsvm_score.py}, run by {@code VIGIL_SKLEARN_PYTHON}, default
   * {@code /usr/bin/python3}: Debian's python3-sklearn). Vigil's side is what a Spark task does: the rows
   * cached, then scored in one partition (one task, one core) to Spark's no-op sink.
   */
  static Map<String, Object> ocsvmScoringVersusScikitLearn(JobContext ctx, String scoreInput, PipelineModel fitted,
      int repeat) {
    OneClassSvmModel model = (OneClassSvmModel) io.vigil.pipeline.AnomalyPipeline.detectorOf(fitted);
    Dataset<Row> prepared = io.vigil.pipeline.AnomalyPipeline.featuresOf(fitted)
        .transform(ctx.spark().read().parquet(scoreInput)).select(model.getFeaturesCol()).limit(SKLEARN_ROWS)
        .coalesce(1).cache();
    long n = prepared.count();
    double vigil = BenchResults.median(repeat, () -> model.transform(prepared).select(model.getScoreCol())
        .write().format("noop").mode(org.apache.spark.sql.SaveMode.Overwrite).save());
    String python = System.getenv().getOrDefault("VIGIL_SKLEARN_PYTHON", "/usr/bin/python3");
    Map<String, Object> sklearn;
    try {
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("vigil-sklearn");
      java.nio.file.Path vectors = writeCsv(dir.resolve("support-vectors.csv"),
          java.util.Arrays.asList(model.supportVectors()));
      java.nio.file.Path rows = writeCsv(dir.resolve("rows.csv"), prepared.collectAsList().stream()
          .map(r -> ((org.apache.spark.ml.linalg.Vector) r.get(0)).toArray()).toList());
      Process p = new ProcessBuilder(python, "bench/scripts/sklearn_ocsvm_score.py", vectors.toString(),
          rows.toString(), Double.toString(model.gammaValue()), Integer.toString(Math.max(1, repeat)))
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
      if (p.waitFor() != 0) {
        throw new IllegalStateException(python + " bench/scripts/sklearn_ocsvm_score.py failed (exit "
            + p.exitValue() + "); is python3-sklearn installed? Set VIGIL_SKLEARN_PYTHON to a python with it.");
      }
      sklearn = new com.fasterxml.jackson.databind.ObjectMapper().readValue(out, Map.class);
      for (java.nio.file.Path f : List.of(vectors, rows, dir)) {
        java.nio.file.Files.delete(f);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot run scikit-learn's comparison with " + python, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    prepared.unpersist();
    double sklearnSeconds = ((Number) sklearn.get("seconds")).doubleValue() * n / ((Number) sklearn.get("rows"))
        .doubleValue();
    return BenchResults.row(ctx.config(), OneClassSvmDetector.NAME, String.format("score on one core (%d support"
        + " vectors, cached features)", model.numSupportVectors()), n, vigil, String.format("scikit-learn %s"
        + " OneClassSVM decision_function on one core, the same %s support vectors and rows", sklearn.get(
        "sklearn_version"), sklearn.get("support_vectors")), sklearnSeconds);
  }

  private static java.nio.file.Path writeCsv(java.nio.file.Path file, List<double[]> rows) throws java.io.IOException {
    try (java.io.BufferedWriter w = java.nio.file.Files.newBufferedWriter(file)) {
      for (double[] row : rows) {
        for (int j = 0; j < row.length; j++) {
          w.write(j == 0 ? "" : ",");
          w.write(Double.toString(row[j]));
        }
        w.newLine();
      }
    }
    return file;
  }

  /**
   * The one-class SVM ensemble's fit alone (no threshold pass) against one LIBSVM fit, on the driver, on
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
    double ensemble = BenchResults.median(repeat, () -> model[0] = detector.fit(features));
    int rowsUsed = (int) Math.min(n, (long) model[0].numMembers() * detector.getMaxRowsPerModel());
    double[][] sample = features.sample(false, Math.min(1.0, 1.05 * rowsUsed / n), 42).limit(rowsUsed)
        .collectAsList().stream().map(r -> ((org.apache.spark.ml.linalg.Vector) r.get(0)).toArray())
        .toArray(double[][]::new);
    long start = System.nanoTime();
    OneClassSvmDetector.trainLibsvm(sample, model[0].gammaValue(), detector.getNu(), detector.getTol());
    double single = (System.nanoTime() - start) / 1e9;
    features.unpersist();
    Map<String, Object> r = BenchResults.row(ctx.config(), OneClassSvmDetector.NAME,
        "fit " + model[0].numMembers() + " members", sample.length, ensemble,
        "one LIBSVM fit on the same number of rows", single);
    r.put("ratio_vs_baseline", ensemble / single);
    return r;
  }

  /**
   * The neural training schedules (minibatch size, averaging rounds, learning rate, moving average) as they
   * were before the throughput issue chose longer rounds on the validation rows: the same-run baseline of
   * each config's own schedule.
   */
  static final Map<String, Map<String, String>> SCHEDULES_BEFORE = Map.of(
      AutoencoderDetector.NAME,
      Map.of("batchSize", "256", "averagingFrequency", "25", "learningRate", "0.001"),
      BiGanParams.NAME,
      Map.of("batchSize", "64", "averagingFrequency", "5", "learningRate", "0.0002", "emaDecay", "0.9"));

  /** The autoencoder's comparisons: its trainer against dl4j-spark's, its schedule against the one before. */
  static List<Map<String, Object>> autoencoderTraining(JobContext ctx, Dataset<Row> trainRows,
      List<PipelineStage> stages, Map<String, String> params, int repeat) {
    List<Map<String, Object>> rows = new ArrayList<>();
    rows.add(trainVersus(ctx, trainRows, stages, AutoencoderDetector.NAME, params,
        Map.of("trainer", "vigil"), "train (vigil trainer)", Map.of("trainer", "dl4j-spark"),
        "train (dl4j-spark trainer)", repeat));
    scheduleVersusBefore(ctx, trainRows, stages, AutoencoderDetector.NAME, params, repeat)
        .ifPresent(rows::add);
    return rows;
  }

  /**
   * Training at the config's schedule against training at {@link #SCHEDULES_BEFORE}'s (absent when they are the
   * same): time and test ROC AUC of each.
   */
  static Optional<Map<String, Object>> scheduleVersusBefore(JobContext ctx, Dataset<Row> trainRows,
      List<PipelineStage> stages, String detector, Map<String, String> params, int repeat) {
    Map<String, String> before = SCHEDULES_BEFORE.get(detector);
    AnomalyDetector<?, ?> configured = Detectors.create(detector, params);
    AnomalyDetector<?, ?> previous = Detectors.create(detector, before);
    if (scheduleOf(configured, before.keySet()).equals(scheduleOf(previous, before.keySet()))) {
      return Optional.empty();
    }
    return Optional.of(trainVersus(ctx, trainRows, stages, detector, params, Map.of(),
        "train (schedule " + scheduleOf(configured, before.keySet()) + ")", before,
        "train (schedule before: " + scheduleOf(previous, before.keySet()) + ")", repeat));
  }

  private static String scheduleOf(AnomalyDetector<?, ?> detector, Set<String> names) {
    return String.join(", ", new TreeSet<>(names).stream()
        .map(n -> n + " " + detector.getOrDefault(detector.getParam(n))).toList());
  }

  /**
   * The detector trained with {@code params} + {@code overrides} against the same with {@code baselineOverrides}:
   * same rows, feature pipeline, network, epochs and seed; time and test ROC AUC of each.
   */
  static Map<String, Object> trainVersus(JobContext ctx, Dataset<Row> trainRows, List<PipelineStage> stages,
      String detector, Map<String, String> params, Map<String, String> overrides, String stage,
      Map<String, String> baselineOverrides, String baselineStage, int repeat) {
    PipelineModel[] fitted = new PipelineModel[2];
    double[] seconds = new double[2];
    List<Map<String, String>> variants = List.of(overrides, baselineOverrides);
    for (int i = 0; i < 2; i++) {
      Map<String, String> p = new LinkedHashMap<>(params);
      p.putAll(variants.get(i));
      List<PipelineStage> s = new ArrayList<>(stages.subList(0, stages.size() - 1));
      s.add(Detectors.create(detector, p));
      Pipeline pipeline = new Pipeline().setStages(s.toArray(new PipelineStage[0]));
      final int k = i;
      seconds[i] = BenchResults.median(repeat, () -> fitted[k] = pipeline.fit(trainRows));
    }
    Map<String, Object> r = BenchResults.row(ctx.config(), detector, stage, trainRows.count(), seconds[0],
        baselineStage, seconds[1]);
    r.put("test_roc_auc", TimingBench.testAuc(ctx, fitted[0]));
    r.put("baseline_test_roc_auc", TimingBench.testAuc(ctx, fitted[1]));
    return r;
  }
}

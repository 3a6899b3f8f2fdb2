package io.vigil.bench;

import io.vigil.core.SharedParams;
import io.vigil.detectors.Detectors;
import io.vigil.jobs.JobContext;
import io.vigil.ocsvm.OneClassSvmDetector;
import io.vigil.ocsvm.OneClassSvmModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Each detector's own comparison in the timings, by detector name: the one-class SVM ensemble against one
 * fit on as many rows, the autoencoder trained by Vigil's parameter averaging against dl4j-spark's.
 */
public final class DetectorComparisons {

  private DetectorComparisons() {}

  /** One detector's extra comparison: a row beside its own same-run baseline. */
  @FunctionalInterface
  interface Comparison {
    Map<String, Object> run(JobContext ctx, Dataset<Row> trainRows, PipelineModel fitted, List<PipelineStage> stages,
        Map<String, String> params, int repeat);
  }

  static final Map<String, Comparison> BY_DETECTOR = Map.of(
      OneClassSvmDetector.NAME, (ctx, train, fitted, stages, params, repeat) ->
          ocsvmEnsembleVersusSingleFit(ctx, train, fitted, repeat),
      io.vigil.autoencoder.AutoencoderDetector.NAME, (ctx, train, fitted, stages, params, repeat) ->
          vigilVersusDl4jSparkTrainer(ctx, train, stages, params, repeat));

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
      seconds[i] = BenchResults.median(repeat, () -> fitted[k] = pipeline.fit(trainRows));
    }
    Map<String, Object> r = BenchResults.row(ctx.config(), io.vigil.autoencoder.AutoencoderDetector.NAME,
        "train (vigil trainer)", trainRows.count(), seconds[0], "train (dl4j-spark trainer)", seconds[1]);
    r.put("test_roc_auc", TimingBench.testAuc(ctx, fitted[0]));
    r.put("baseline_test_roc_auc", TimingBench.testAuc(ctx, fitted[1]));
    return r;
  }
}

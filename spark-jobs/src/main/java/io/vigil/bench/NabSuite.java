package io.vigil.bench;

import static org.apache.spark.sql.functions.expr;

import io.vigil.datasets.NabData;
import io.vigil.detectors.Detectors;
import io.vigil.eval.AnomalyEvaluator;
import io.vigil.jobs.Inputs;
import io.vigil.jobs.JobConfig;
import io.vigil.jobs.JobContext;
import io.vigil.jobs.PrepareJob;
import io.vigil.jobs.RunJob;
import io.vigil.pca.PcaDetector;
import io.vigil.pca.PcaModel;
import io.vigil.sequence.SequenceDetector;
import io.vigil.sequence.SequenceWindows;
import io.vigil.warehouse.ModelInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * bench --suite nab: the sequence detector on each NAB series through conf/nab.conf, beside the PCA
 * detector on the same windows flattened to vectors (the same features, scaling, windows and max rule;
 * PCA's k chosen on the validation rows): ROC AUC on the test rows, and the labelled windows with a
 * flagged row at the validation threshold; both detectors' validation ROC AUC beside, for choosing settings.
 */
public final class NabSuite {

  /** The PCA sizes tried on the validation rows. */
  static final int[] PCA_K = {1, 2, 4, 8};

  private NabSuite() {}

  public static List<Map<String, Object>> run(SparkSession spark, String conf, String output,
      Map<String, String> overrides, List<String> series, String runDate, String resultsDir) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String s : series) {
      Map<String, String> sets = new LinkedHashMap<>(overrides);
      sets.put("nab.series", s);
      JobContext ctx = JobContext.of(spark, JobConfig.load(conf, output, sets));
      if (!PrepareJob.isPrepared(ctx)) {
        PrepareJob.run(ctx);
      }
      long start = System.nanoTime();
      Map<String, Object> m = RunJob.run(ctx, List.of("seq2seq"), runDate, false).get(0);
      double seconds = (System.nanoTime() - start) / 1e9;
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("series", s);
      r.put("rows", m.get("n_train"));
      r.put("seq2seq_validation_roc_auc", ModelInfo.read(ctx.warehouse(), ctx.warehouse().modelDir(ctx.datasetKey(),
          "seq2seq", (String) m.get("model_version"))).validationRocAuc());
      r.put("seq2seq_roc_auc", m.get("roc_auc"));
      r.put("seq2seq_pr_auc", m.get("pr_auc"));
      r.put("windows", m.get("events"));
      r.put("windows_flagged", m.get("events_flagged"));
      r.put("seq2seq_run_seconds", seconds);
      r.putAll(pcaOnWindows(ctx));
      rows.add(r);
    }
    if (resultsDir != null) {
      BenchResults.write(rows, resultsDir, "nab");
    }
    return rows;
  }

  /**
   * PCA on the sequence detector's windows: the config's feature pipeline (fit on the series), the
   * windows flattened, PCA fit on them, each row's score the max of its windows'; k by validation ROC AUC.
   */
  static Map<String, Object> pcaOnWindows(JobContext ctx) {
    JobConfig c = ctx.config();
    // The sequence detector's own params (one parser, with their validation and defaults) give the windows.
    SequenceDetector sequence = (SequenceDetector) Detectors.create(SequenceDetector.NAME,
        ctx.detectorParams(SequenceDetector.NAME));
    SequenceWindows.Spec spec = sequence.windowSpec();
    Dataset<Row> series = Inputs.read(ctx.spark(), c, ctx.warehouse(), "train.path");
    PipelineModel features = new org.apache.spark.ml.Pipeline().setStages(ctx.featurePipeline("seq2seq").stages()
        .toArray(new org.apache.spark.ml.PipelineStage[0])).fit(series);
    Dataset<Row> prepared = features.transform(series);
    Dataset<Row> windows = SequenceWindows.windows(prepared, "features", "row_index", spec, "features").cache();
    Dataset<Row> labels = series.select("row_index", "label").cache();
    try {
      double bestValidation = -1;
      Map<String, Object> best = new LinkedHashMap<>();
      for (int k : PCA_K) {
        PcaModel model = new PcaDetector().setK(k).fit(windows);
        Dataset<Row> scored = SequenceWindows.rowScores(model.scoreOnly(windows), "row_index", "score", "score",
            sequence.getWindowScore()).join(labels, "row_index").cache();
        double validation = new AnomalyEvaluator().evaluate(scored.where(expr(c.get("val.rows"))));
        if (validation > bestValidation) {
          bestValidation = validation;
          best.put("pca_k", k);
          best.put("pca_validation_roc_auc", validation);
          best.put("pca_roc_auc", new AnomalyEvaluator().evaluate(scored.where(expr(c.get("test.rows")))));
        }
        scored.unpersist();
      }
      return best;
    } finally {
      windows.unpersist();
      labels.unpersist();
    }
  }

  /** The series a suite runs: all of NabData's, or the comma-separated {@code list} (checked against them). */
  public static List<String> series(String list) {
    if (list == null || list.isBlank()) {
      return NabData.SERIES;
    }
    List<String> chosen = new ArrayList<>();
    for (String s : list.split(",")) {
      if (!NabData.SERIES.contains(s.trim())) {
        throw new IllegalArgumentException("Unknown NAB series '" + s.trim() + "' in nab.series; known: "
            + NabData.SERIES + ".");
      }
      chosen.add(s.trim());
    }
    return chosen;
  }
}

package io.vigil.bench;

import io.vigil.ensemble.EnsembleDetector;
import io.vigil.jobs.JobContext;
import io.vigil.jobs.RunJob;
import io.vigil.warehouse.ModelInfo;
import io.vigil.warehouse.Warehouse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench --suite ensemble --conf C}: the config's ensemble beside each of its members, all through
 * {@code run} on the same rows (so with the config's thresholds and, for the ensemble, its weight tuning),
 * written to {@code ensemble-<dataset>.{csv,json,md}}. The baseline is the best member of the same run:
 * {@code ratio_vs_best_member} = the ensemble's ROC AUC over that member's.
 */
public final class EnsembleSuite {

  private EnsembleSuite() {}

  public static List<Map<String, Object>> run(JobContext ctx, String runDate, String resultsDir) {
    List<String> configured = ctx.config().getList("ensemble.members");
    List<String> members = configured.isEmpty() ? List.of(new EnsembleDetector().getMembers()) : configured;
    List<String> detectors = new ArrayList<>(members);
    detectors.add(EnsembleDetector.NAME);
    Warehouse wh = ctx.warehouse();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> m : RunJob.run(ctx, detectors, runDate, false)) {
      String detector = (String) m.get("detector");
      ModelInfo info = ModelInfo.read(wh, wh.modelDir(ctx.datasetKey(), detector, (String) m.get("model_version")));
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("dataset", ctx.datasetKey());
      r.put("detector", detector);
      for (String metric : List.of("roc_auc", "pr_auc", "f1", "threshold", "n_train", "n_test")) {
        r.put(metric, m.get(metric));
      }
      r.put("validation_roc_auc", info.validationRocAuc());
      r.put("weights", info.param("weights") != null ? info.param("weights").toString() : "");
      r.put("model_version", m.get("model_version"));
      rows.add(r);
    }
    AdbenchSuite.compareEnsembleWithItsMembers(rows, ctx.datasetKey(), members);
    for (Map<String, Object> r : rows) {
      double best = (Double) r.get("best_member_roc_auc");
      r.put("ratio_vs_best_member", Double.isNaN(best) ? Double.NaN : (Double) r.get("roc_auc") / best);
    }
    BenchResults.write(rows, resultsDir, "ensemble-" + ctx.datasetKey());
    return rows;
  }
}

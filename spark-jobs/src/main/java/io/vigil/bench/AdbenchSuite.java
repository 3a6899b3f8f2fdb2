package io.vigil.bench;

import io.vigil.jobs.JobConfig;
import io.vigil.jobs.JobContext;
import io.vigil.jobs.RunJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * bench --suite adbench: every detector over every ADBench config (conf/adbench-*.conf), one ROC AUC /
 * PR AUC table beside the published figures: ADBench's Table D4 (adbench_published_auc.csv, their
 * 70/30 protocol, mean of 3 runs) and, for Isolation Forest, linkedin/isolation-forest's README.
 */
public final class AdbenchSuite {

  /** ROC AUC that linkedin/isolation-forest publishes for its Isolation Forest (README, benchmark table). */
  public static final Map<String, Double> LINKEDIN_IFOREST = Map.of("shuttle", 0.997, "cardio", 0.928,
      "satellite", 0.717, "mammography", 0.865);

  /** Vigil's detector names → ADBench's method names. */
  static final Map<String, String> ADBENCH_METHOD = Map.of("pca", "PCA", "ocsvm", "OCSVM", "iforest", "IForest");

  private AdbenchSuite() {}

  public static List<Map<String, Object>> run(SparkSession spark, String confDir, String output,
      Map<String, String> overrides, String detectorSpec, String runDate, String resultsDir) {
    List<Path> confs;
    try (Stream<Path> files = Files.list(Path.of(confDir))) {
      // the adbench protocol's configs, one per set (adbench-semi.conf is another protocol: bench --suite adbench-semi)
      confs = files.filter(p -> p.getFileName().toString().matches("adbench-.*\\.conf")
          && !p.getFileName().toString().equals("adbench-semi.conf")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + confDir, e);
    }
    if (confs.isEmpty()) {
      throw new IllegalArgumentException("No adbench-*.conf in " + confDir + ".");
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    Map<String, Double> published = null;
    for (Path conf : confs) {
      JobContext ctx = JobContext.of(spark, JobConfig.load(conf.toString(), output, overrides));
      if (published == null) {
        published = readPublished(ctx.config().get("shared.data") + "/adbench/adbench_published_auc.csv");
      }
      String dataset = ctx.config().get("dataset").replaceFirst("^adbench-", "");
      List<String> detectors = io.vigil.detectors.Detectors.parseList(
          detectorSpec != null ? detectorSpec : ctx.config().get("detectors", "all"));
      for (Map<String, Object> m : RunJob.run(ctx, detectors, runDate, false)) {
        String detector = (String) m.get("detector");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("dataset", dataset);
        r.put("detector", detector);
        r.put("roc_auc", m.get("roc_auc"));
        r.put("pr_auc", m.get("pr_auc"));
        r.put("n_train", m.get("n_train"));
        r.put("n_test", m.get("n_test"));
        Double adbench = published.get(dataset + "," + ADBENCH_METHOD.getOrDefault(detector, detector));
        r.put("adbench_published_roc_auc", adbench == null ? Double.NaN : adbench);
        r.put("vigil_minus_adbench", adbench == null ? Double.NaN : (Double) m.get("roc_auc") - adbench);
        Double linkedin = detector.equals("iforest") ? LINKEDIN_IFOREST.get(dataset) : null;
        r.put("linkedin_iforest_roc_auc", linkedin == null ? Double.NaN : linkedin);
        rows.add(r);
      }
      compareEnsembleWithItsMembers(rows, dataset, ctx.config().getList("ensemble.members"));
    }
    BenchResults.write(rows, resultsDir, "adbench-auc");
    return rows;
  }

  /**
   * On the data set's ensemble row (when the ensemble ran beside its members): its best member and that
   * member's ROC AUC, and the ensemble's margin over it. Members the suite did not run count as missing.
   */
  static void compareEnsembleWithItsMembers(List<Map<String, Object>> rows, String dataset, List<String> members) {
    List<String> named = members.isEmpty() ? List.of(new io.vigil.ensemble.EnsembleDetector().getMembers())
        : members;
    Map<String, Object> ensemble = null;
    String best = null;
    double bestAuc = Double.NEGATIVE_INFINITY;
    int found = 0;
    for (Map<String, Object> r : rows) {
      if (!r.get("dataset").equals(dataset)) {
        continue;
      }
      if (r.get("detector").equals(io.vigil.ensemble.EnsembleDetector.NAME)) {
        ensemble = r;
      } else if (named.contains((String) r.get("detector"))) {
        found++;
        if ((Double) r.get("roc_auc") > bestAuc) {
          bestAuc = (Double) r.get("roc_auc");
          best = (String) r.get("detector");
        }
      }
    }
    for (Map<String, Object> r : rows) {
      if (r.get("dataset").equals(dataset)) {
        boolean complete = r == ensemble && found == named.size();
        r.put("best_member", complete ? best : "");
        r.put("best_member_roc_auc", complete ? bestAuc : Double.NaN);
        r.put("ensemble_minus_best_member", complete ? (Double) r.get("roc_auc") - bestAuc : Double.NaN);
      }
    }
  }

  /** "dataset,method" → AUC from adbench_published_auc.csv (NA skipped). */
  static Map<String, Double> readPublished(String file) {
    Map<String, Double> out = new HashMap<>();
    try {
      for (String line : Files.readAllLines(Path.of(file)).subList(1, Files.readAllLines(Path.of(file)).size())) {
        String[] f = line.split(",", 4);
        if (f.length >= 3 && !f[2].equals("NA")) {
          out.put(f[0] + "," + f[1], Double.parseDouble(f[2]));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the published ADBench figures at " + file, e);
    }
    return out;
  }
}

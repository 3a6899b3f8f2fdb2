package io.vigil.eval;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metrics of one scored, labelled dataset at one threshold, plus what the plots need.
 * Ranking metrics are NaN when the rows hold only one class (or none).
 */
public record EvaluationSummary(
    long rows,
    long positives,
    double threshold,
    double rocAuc,
    double prAuc,
    long truePositives,
    long falsePositives,
    long trueNegatives,
    long falseNegatives,
    List<ScoreCurve.Point> curve,
    Histogram histogram) implements Serializable {

  public double precision() {
    return ratio(truePositives, truePositives + falsePositives);
  }

  public double recall() {
    return ratio(truePositives, truePositives + falseNegatives);
  }

  public double accuracy() {
    return ratio(truePositives + trueNegatives, rows);
  }

  public double f1() {
    return fBeta(1.0);
  }

  /** F2 weighs recall above precision: missing an attack costs more than a false alarm. */
  public double f2() {
    return fBeta(2.0);
  }

  public double fBeta(double beta) {
    double p = precision();
    double r = recall();
    double b2 = beta * beta;
    return (p == 0 && r == 0) || Double.isNaN(p) || Double.isNaN(r) ? 0.0 : (1 + b2) * p * r / (b2 * p + r);
  }

  /** The scalar metrics by the names used in metrics.json and the metrics table. */
  public Map<String, Object> metrics() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("roc_auc", rocAuc);
    m.put("pr_auc", prAuc);
    m.put("accuracy", accuracy());
    m.put("precision", precision());
    m.put("recall", recall());
    m.put("f1", f1());
    m.put("f2", f2());
    m.put("threshold", threshold);
    m.put("n_test", rows);
    m.put("n_test_anomalies", positives);
    m.put("tp", truePositives);
    m.put("fp", falsePositives);
    m.put("tn", trueNegatives);
    m.put("fn", falseNegatives);
    return m;
  }

  private static double ratio(long a, long b) {
    return b == 0 ? Double.NaN : (double) a / b;
  }
}

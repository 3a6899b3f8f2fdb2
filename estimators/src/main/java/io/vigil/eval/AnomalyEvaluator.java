package io.vigil.eval;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Evaluates anomaly scores against 0/1 labels. As a Spark {@link Evaluator} it returns one ranking
 * metric (for tuning with CrossValidator/TrainValidationSplit); {@link #summarize} gives everything
 * a report needs at a given threshold. All computed on Spark.
 */
public class AnomalyEvaluator extends Evaluator implements DefaultParamsWritable {

  public static final String ROC_AUC = "areaUnderROC";
  public static final String PR_AUC = "areaUnderPR";

  private final String uid;
  private final Param<String> scoreCol;
  private final Param<String> labelCol;
  private final Param<String> metricName;

  public AnomalyEvaluator() {
    this(Identifiable$.MODULE$.randomUID("anomalyEval"));
  }

  public AnomalyEvaluator(String uid) {
    this.uid = uid;
    scoreCol = new Param<>(this, "scoreCol", "anomaly score column (higher = more anomalous)");
    labelCol = new Param<>(this, "labelCol", "0/1 label column (1 = anomaly)");
    metricName = new Param<>(this, "metricName",
        "metric returned by evaluate: 'areaUnderROC' or 'areaUnderPR' (average precision)",
        ParamValidators.inArray(new String[] {ROC_AUC, PR_AUC}));
    setDefault(scoreCol, "score");
    setDefault(labelCol, "label");
    setDefault(metricName, ROC_AUC);
  }

  @Override public String uid() { return uid; }
  public Param<String> scoreCol() { return scoreCol; }
  public Param<String> labelCol() { return labelCol; }
  public Param<String> metricName() { return metricName; }
  public AnomalyEvaluator setScoreCol(String v) { set(scoreCol, v); return this; }
  public AnomalyEvaluator setLabelCol(String v) { set(labelCol, v); return this; }
  public AnomalyEvaluator setMetricName(String v) { set(metricName, v); return this; }

  @Override
  public double evaluate(Dataset<?> dataset) {
    ScoreCurve curve = ScoreCurve.compute(dataset, $(scoreCol), $(labelCol), 2);
    return $(metricName).equals(ROC_AUC) ? curve.rocAuc : curve.averagePrecision;
  }

  @Override
  public boolean isLargerBetter() {
    return true;
  }

  @Override
  public AnomalyEvaluator copy(ParamMap extra) {
    return (AnomalyEvaluator) defaultCopy(extra);
  }

  /**
   * Every metric of {@code scored} at {@code threshold} (score >= threshold = anomaly): ROC AUC, PR AUC
   * (average precision), the confusion counts, curve points and a per-class histogram. With zero rows
   * it returns zero counts and NaN metrics rather than failing.
   */
  public static EvaluationSummary summarize(Dataset<?> scored, String scoreCol, String labelCol,
      double threshold, int curvePoints, int histogramBins) {
    ScoreCurve.Counts counts = ScoreCurve.checkedCounts(scored, scoreCol, labelCol);
    if (counts.rows() == 0) {
      return new EvaluationSummary(0, 0, threshold, Double.NaN, Double.NaN, 0, 0, 0, 0, List.of(),
          new Histogram(false, new double[0], new long[0], new long[0]));
    }
    boolean bothClasses = counts.positives() > 0 && counts.positives() < counts.rows();
    ScoreCurve curve = bothClasses ? ScoreCurve.compute(scored, scoreCol, labelCol, curvePoints) : null;
    Column flagged = col(scoreCol).geq(lit(threshold));
    Column anomaly = col(labelCol).cast("double").equalTo(lit(1.0));
    Row c = scored.agg(
        sum(when(flagged.and(anomaly), 1L).otherwise(0L)),
        sum(when(flagged.and(not(anomaly)), 1L).otherwise(0L))).first();
    long tp = c.getLong(0);
    long fp = c.getLong(1);
    long fn = counts.positives() - tp;
    long tn = counts.rows() - counts.positives() - fp;
    Histogram histogram = Histogram.compute(scored, scoreCol, labelCol, counts.minScore(), counts.maxScore(),
        histogramBins);
    return new EvaluationSummary(counts.rows(), counts.positives(), threshold,
        curve == null ? Double.NaN : curve.rocAuc, curve == null ? Double.NaN : curve.averagePrecision,
        tp, fp, tn, fn, curve == null ? List.of() : curve.points, histogram);
  }
}

package io.vigil.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.vigil.core.AnomalyDetector;
import io.vigil.core.AnomalyModel;
import io.vigil.core.Explanations;
import io.vigil.core.FeatureBatchScorer;
import io.vigil.core.UsesHistory;
import io.vigil.ensemble.EnsembleDetector;
import io.vigil.ensemble.EnsembleModel;
import io.vigil.ensemble.EnsembleParams;
import io.vigil.eval.ScoreCurve;
import io.vigil.features.FeatureVectorizerModel;
import io.vigil.threshold.Thresholds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Fits feature stages and a detector, then makes every choice that needs rows other than the training
 * fit's own, in the spirit of Spark's {@code TrainValidationSplit}:
 * <ul>
 *   <li>a labelled threshold ('maxF1', 'maxAccuracy': the detector's thresholdStrategy) on validation rows;
 *   <li>an ensemble's weights ({@code tuneEnsembleWeights}) on the validation rows, or with
 *       {@code tuneHoldOut = f} on a copy fit on 1 - f of the training rows, the held-out f as the normal
 *       side and the validation rows labelled 1 as the anomalies (in-sample training scores flatter the
 *       members that fit their training rows closest), then the training-score threshold again;
 *   <li>the training-score distribution the drift figures (PSI) of later runs compare against;
 *   <li>with {@code calibrationFraction = f > 0}, a seeded slice f of the training input is held out of the
 *       fit, and its scores (fresh rows, unlike the training rows' own) set the label-free threshold, the
 *       expected share flagged and the drift baseline.
 * </ul>
 * Returns a {@link PipelineModel} whose last stage, the detector model, carries its threshold, how it was
 * chosen, its validation figures and its drift baseline ({@link DetectorFacts#of}). Validation rows are
 * never test rows; without them only the label-free strategies apply.
 */
public class AnomalyPipeline extends Estimator<PipelineModel> {

  private final String uid;
  private PipelineStage[] featureStages = new PipelineStage[0];
  private AnomalyDetector<?, ?> detector;
  private final Param<String> labelCol;
  private final Param<String> validationFilter;
  private final BooleanParam tuneEnsembleWeights;
  private final DoubleParam tuneHoldOut;
  private final LongParam holdOutSeed;
  private final DoubleParam calibrationFraction;
  private final LongParam calibrationSeed;

  public AnomalyPipeline() {
    this(Identifiable$.MODULE$.randomUID("anomalyPipeline"));
  }

  /** The default calibration slice: off; the measurement behind it is bench/results/calibration-summary.md. */
  public static final double DEFAULT_CALIBRATION_FRACTION = 0.0;

  public AnomalyPipeline(String uid) {
    this.uid = uid;
    labelCol = new Param<>(this, "labelCol", "0/1 label column of the validation rows (1 = anomaly)");
    validationFilter = new Param<>(this, "validationFilter", "SQL condition choosing, after scoring the whole"
        + " validation input, the rows that count (a windowed detector needs the series whole); empty = all");
    tuneEnsembleWeights = new BooleanParam(this, "tuneEnsembleWeights",
        "choose an ensemble's weights on the validation rows (maximum ROC AUC of the weighted mean)");
    tuneHoldOut = new DoubleParam(this, "tuneHoldOut", "with tuneEnsembleWeights: the share f in [0, 1) of the"
        + " training rows held out as the normal side of the weight choice; 0 = the validation rows as they are",
        ParamValidators.inRange(0.0, 1.0, true, false));
    holdOutSeed = new LongParam(this, "holdOutSeed", "seed of the tuneHoldOut split; any long");
    calibrationFraction = new DoubleParam(this, "calibrationFraction", "share f in [0, 0.5] of the training input"
        + " held out of the fit (seeded) whose scores set the label-free threshold, the expected share flagged and"
        + " the drift baseline; 0 = the training rows' own scores", ParamValidators.inRange(0.0, 0.5));
    calibrationSeed = new LongParam(this, "calibrationSeed", "seed of the calibration split; any long");
    setDefault(calibrationFraction, DEFAULT_CALIBRATION_FRACTION);
    setDefault(calibrationSeed, 42L);
    setDefault(labelCol, "label");
    setDefault(validationFilter, "");
    setDefault(tuneEnsembleWeights, false);
    setDefault(tuneHoldOut, 0.0);
    setDefault(holdOutSeed, 42L);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> labelCol() { return labelCol; }
  public Param<String> validationFilter() { return validationFilter; }
  public BooleanParam tuneEnsembleWeights() { return tuneEnsembleWeights; }
  public DoubleParam tuneHoldOut() { return tuneHoldOut; }
  public LongParam holdOutSeed() { return holdOutSeed; }
  public DoubleParam calibrationFraction() { return calibrationFraction; }
  public LongParam calibrationSeed() { return calibrationSeed; }
  public AnomalyPipeline setCalibrationFraction(double v) { set(calibrationFraction, v); return this; }
  public AnomalyPipeline setCalibrationSeed(long v) { set(calibrationSeed, v); return this; }
  public double getCalibrationFraction() { return (Double) getOrDefault(calibrationFraction); }

  public AnomalyPipeline setFeatureStages(List<? extends PipelineStage> stages) {
    featureStages = stages.toArray(new PipelineStage[0]);
    return this;
  }

  public AnomalyPipeline setDetector(AnomalyDetector<?, ?> value) {
    detector = value;
    return this;
  }

  public AnomalyPipeline setLabelCol(String v) { set(labelCol, v); return this; }
  public AnomalyPipeline setValidationFilter(String v) { set(validationFilter, v); return this; }
  public AnomalyPipeline setTuneEnsembleWeights(boolean v) { set(tuneEnsembleWeights, v); return this; }
  public AnomalyPipeline setTuneHoldOut(double v) { set(tuneHoldOut, v); return this; }
  public AnomalyPipeline setHoldOutSeed(long v) { set(holdOutSeed, v); return this; }

  public String getLabelCol() { return getOrDefault(labelCol); }
  public String getValidationFilter() { return getOrDefault(validationFilter); }
  public boolean getTuneEnsembleWeights() { return (Boolean) getOrDefault(tuneEnsembleWeights); }
  public double getTuneHoldOut() { return (Double) getOrDefault(tuneHoldOut); }
  public long getHoldOutSeed() { return (Long) getOrDefault(holdOutSeed); }

  /** Label-free fit: the detector's training-score threshold and the drift baseline. */
  @Override
  public PipelineModel fit(Dataset<?> train) {
    return fit(train, (Dataset<?>) null);
  }

  /** Fits on {@code train} and makes the held-out choices on {@code validation} (null = none). */
  public PipelineModel fit(Dataset<?> train, Dataset<?> validation) {
    requireReady(validation != null);
    List<PipelineStage> stages = new ArrayList<>(Arrays.asList(featureStages));
    stages.add(detector);
    Dataset<Row> trainRows = train.toDF();
    Dataset<Row> calibrationRows = null;
    double calibration = getCalibrationFraction();
    if (calibration > 0) {
      Dataset<Row>[] parts = trainRows.randomSplit(new double[] {1 - calibration, calibration},
          (Long) getOrDefault(calibrationSeed));
      trainRows = parts[0];
      calibrationRows = parts[1];
    }
    PipelineModel model = new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(trainRows);
    AnomalyModel<?> fitted = detectorOf(model);
    PipelineModel features = featuresOf(model);
    String strategy = detector.getThresholdStrategy();
    boolean rethreshold = false;
    if (validation != null) {
      Dataset<Row> val = validation.toDF();
      if (getTuneEnsembleWeights()) {
        EnsembleModel ensemble = (EnsembleModel) fitted;
        if (getTuneHoldOut() > 0) {
          ensemble.setCombination(EnsembleParams.MEAN).setWeights(weightsOnHeldOutRows(stages, trainRows, val, ensemble));
        } else {
          ensemble.tuneWeights(features.transform(val), getLabelCol());
        }
        // fit's training-score threshold was of the equal-weight mean: chosen again below
        rethreshold = !Thresholds.isLabelled(strategy);
      }
      validate(fitted, features.transform(val), strategy);
    }
    // The detector's fit recorded the threshold and the drift baseline from its training scores. A calibration
    // slice (never fit on) sets both again from its own scores, as does a change of the ensemble's weights; a
    // labelled threshold changes the share of training rows flagged.
    if (calibrationRows != null || rethreshold || Thresholds.isLabelled(strategy)) {
      Dataset<Row> scores = (calibrationRows != null ? fitted.scoreOnly(features.transform(calibrationRows))
          : fitted.scoreTrainingRows(features.transform(trainRows))).select(fitted.getScoreCol())
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        long rows = calibrationRows != null ? scores.count() : fitted.getNumTrainingRows();
        if (calibrationRows != null) {
          if (rows == 0) {
            throw new IllegalArgumentException("calibrationFraction = " + calibration + " left no calibration rows;"
                + " use a larger fraction or 0.");
          }
          fitted.setCalibrationSlice(calibration, rows);
        }
        if (!Thresholds.isLabelled(strategy) && !strategy.equals(Thresholds.FIXED)) {
          fitted.setThreshold(AnomalyDetector.chooseThresholdFully(scores, fitted.getScoreCol(), strategy, fitted)
              .threshold(), strategy);
        }
        fitted.setTrainingScoreBaseline(scores, rows);
      } finally {
        scores.unpersist();
      }
    }
    return model;
  }

  private void requireReady(boolean hasValidation) {
    if (detector == null) {
      throw new IllegalArgumentException("AnomalyPipeline has no detector; call setDetector.");
    }
    String strategy = detector.getThresholdStrategy();
    if (Thresholds.isLabelled(strategy) && !hasValidation) {
      throw new IllegalArgumentException("thresholdStrategy " + strategy + " needs labelled validation rows: pass"
          + " them to fit(train, validation), or use contamination/meanStd.");
    }
    if (getTuneEnsembleWeights() && !(detector instanceof EnsembleDetector)) {
      throw new IllegalArgumentException("tuneEnsembleWeights is set but the detector is "
          + detector.detectorName() + ", not an ensemble.");
    }
    if (getTuneEnsembleWeights() && !hasValidation) {
      throw new IllegalArgumentException("tuneEnsembleWeights needs labelled validation rows: pass them to"
          + " fit(train, validation).");
    }
    if (getTuneHoldOut() > 0 && !getTuneEnsembleWeights()) {
      throw new IllegalArgumentException("tuneHoldOut = " + getTuneHoldOut() + " is used with tuneEnsembleWeights"
          + " only; set both, or tuneHoldOut = 0.");
    }
  }

  /** Validation figures on the model; a labelled strategy's threshold chosen from the same curve. */
  private void validate(AnomalyModel<?> fitted, Dataset<Row> validationFeatures, String strategy) {
    Dataset<Row> scored = fitted.scoreOnly(validationFeatures);
    if (!getValidationFilter().isEmpty()) {
      scored = scored.where(org.apache.spark.sql.functions.expr(getValidationFilter()));
    }
    scored = scored.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      ScoreCurve curve = ScoreCurve.compute(scored, fitted.getScoreCol(), getLabelCol(), 2);
      if (Thresholds.isLabelled(strategy)) {
        applyLabelledThreshold(fitted, curve, strategy);
      }
      fitted.setValidationFigures(curve.rocAuc, curve.averagePrecision, curve.bestF1, scored.count());
    } finally {
      scored.unpersist();
    }
  }

  /** See {@link #tuneHoldOut}; records the rows it tuned on and their ROC AUC on the ensemble model. */
  private double[] weightsOnHeldOutRows(List<PipelineStage> stages, Dataset<Row> train, Dataset<Row> val,
      EnsembleModel kept) {
    double holdOut = getTuneHoldOut();
    String label = getLabelCol();
    Dataset<Row>[] parts = train.randomSplit(new double[] {1 - holdOut, holdOut}, getHoldOutSeed());
    PipelineModel tuning = new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(parts[0]);
    EnsembleModel ensemble = (EnsembleModel) detectorOf(tuning);
    String featuresColumn = ensemble.getFeaturesCol();
    Dataset<Row> normals = featuresOf(tuning).transform(parts[1]).select(col(featuresColumn))
        .withColumn(label, lit(0.0));
    Dataset<Row> anomalies = featuresOf(tuning).transform(val.where(col(label).equalTo(1)))
        .select(col(featuresColumn), col(label).cast("double").as(label));
    Dataset<Row> rows = normals.unionByName(anomalies).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long anomalyRows = rows.where(col(label).equalTo(1.0)).count();
      long normalRows = rows.count() - anomalyRows;
      if (normalRows == 0 || anomalyRows == 0) {
        throw new IllegalArgumentException(String.format("tuneHoldOut: %d held-out training rows and %d validation"
            + " rows labelled 1 to tune on; both must be above 0.", normalRows, anomalyRows));
      }
      EnsembleModel.WeightChoice choice = ensemble.chooseWeights(rows, label);
      kept.setTuningFigures(choice.validationRocAuc(), normalRows, anomalyRows);
      return choice.weights();
    } finally {
      rows.unpersist();
    }
  }

  /**
   * Chooses the threshold that maximises {@code metric} ('maxF1' or 'maxAccuracy') on labelled validation
   * rows scored by {@code model} ({@code model.getScoreCol()}, 0/1 {@code labelCol}), sets it and returns it.
   */
  public static double tuneThreshold(AnomalyModel<?> model, Dataset<?> scoredValidation, String labelCol,
      String metric) {
    return applyLabelledThreshold(model, ScoreCurve.compute(scoredValidation, model.getScoreCol(), labelCol, 2),
        metric);
  }

  private static double applyLabelledThreshold(AnomalyModel<?> model, ScoreCurve curve, String metric) {
    double t;
    switch (metric) {
      case Thresholds.MAX_F1:
        t = curve.bestF1Threshold;
        break;
      case Thresholds.MAX_ACCURACY:
        t = curve.bestAccuracyThreshold;
        break;
      default:
        throw new IllegalArgumentException("Labelled threshold metric must be maxF1 or maxAccuracy, got '"
            + metric + "'.");
    }
    model.setThreshold(t, metric);
    return t;
  }

  /** The detector model at the end of a fitted pipeline, or an error saying what is there instead. */
  public static AnomalyModel<?> detectorOf(PipelineModel pipeline) {
    Transformer[] stages = pipeline.stages();
    Transformer last = stages.length == 0 ? null : stages[stages.length - 1];
    if (!(last instanceof AnomalyModel)) {
      throw new IllegalArgumentException("The pipeline's last stage must be a Vigil detector model, but is "
          + (last == null ? "missing (no stages)" : last.getClass().getName()) + ".");
    }
    return (AnomalyModel<?>) last;
  }

  /** The boolean column {@link #transformWithHistory} marks history rows with, while it scores. */
  public static final String HISTORY_MARKER = "_vigil_history";

  /**
   * {@code model.transform(rows)}, where a detector that {@link UsesHistory} also sees the last rows of
   * {@code history} (earlier rows of the same series, e.g. the previous date's input): the windows of the
   * first rows reach back into them, as in one run over both. Only {@code rows} come out. With no history
   * (null) or a detector that scores rows alone, the plain transform.
   */
  public static Dataset<Row> transformWithHistory(PipelineModel model, Dataset<Row> rows, Dataset<Row> history) {
    AnomalyModel<?> detector = detectorOf(model);
    if (history == null || !(detector instanceof UsesHistory uses) || uses.historyRows() == 0) {
      return model.transform(rows);
    }
    java.util.List<String> missing = new java.util.ArrayList<>(Arrays.asList(rows.columns()));
    missing.removeAll(Arrays.asList(history.columns()));
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("The history rows lack the columns " + missing + " of the rows to score.");
    }
    Dataset<Row> tail = uses.historyTail(history.select(Arrays.stream(rows.columns())
        .map(c -> col("`" + c + "`")).toArray(org.apache.spark.sql.Column[]::new)));
    Dataset<Row> both = rows.withColumn(HISTORY_MARKER, lit(false))
        .unionByName(tail.withColumn(HISTORY_MARKER, lit(true)));
    ParamMap marking = new ParamMap().put(detector.getParam(uses.historyMarkerParam()), HISTORY_MARKER);
    return model.copy(marking).transform(both).drop(HISTORY_MARKER);
  }

  /**
   * What a score job writes: {@link #transformWithHistory}'s rows without the feature vector and the contributions
   * columns (the input, the score, the top features when explained, the prediction). When the model is a {@link
   * FeatureVectorizerModel} and a detector with a {@link AnomalyModel#batchScorer}, not reading history, the features
   * go from the input columns straight into the scorer's batches, in one pass (the same scores, top features and
   * predictions); otherwise the pipeline's transform.
   */
  public static Dataset<Row> scoreRows(PipelineModel model, Dataset<Row> rows, Dataset<Row> history) {
    Transformer[] stages = model.stages();
    AnomalyModel<?> detector = detectorOf(model);
    boolean readsHistory = history != null && detector instanceof UsesHistory uses && uses.historyRows() > 0;
    if (stages.length == 2 && stages[0] instanceof FeatureVectorizerModel vectorizer && !readsHistory
        && vectorizer.getOutputCol().equals(detector.getFeaturesCol())) {
      model.transformSchema(rows.schema()); // the pipeline's checks and messages, as its transform gives them
      FeatureBatchScorer scorer = detector.batchScorer(rows.sparkSession());
      if (scorer != null) {
        return detector.withPrediction(vectorizer.transformScored(rows, scorer, detector.getScoreCol(),
            detector.getExplainTopK(), detector.getFeatureNames()));
      }
    }
    return transformWithHistory(model, rows, history).drop(detector.getFeaturesCol(),
        Explanations.contributionsCol(detector.getScoreCol()));
  }

  /** The fitted feature stages alone (everything but the detector). */
  public static PipelineModel featuresOf(PipelineModel model) {
    Transformer[] all = model.stages();
    return new PipelineModel(model.uid() + "-features", Arrays.copyOf(all, all.length - 1));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    StructType out = schema;
    for (PipelineStage stage : featureStages) {
      out = stage.transformSchema(out);
    }
    return detector == null ? out : detector.transformSchema(out);
  }

  @Override
  public AnomalyPipeline copy(ParamMap extra) {
    AnomalyPipeline copied = defaultCopy(extra);
    copied.featureStages = featureStages.clone();
    copied.detector = detector;
    return copied;
  }
}

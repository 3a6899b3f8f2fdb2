package io.vigil.core;

import io.vigil.threshold.Thresholds;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * A detector: learns normal behaviour from (mostly) normal rows and returns an {@link AnomalyModel}
 * whose threshold is already set from the training scores (thresholdStrategy 'contamination' or
 * 'meanStd'), or as given ('fixed'). Labelled strategies ('maxF1', 'maxAccuracy') are applied
 * afterwards on validation rows by {@code io.vigil.pipeline.AnomalyPipeline}, never on test rows.
 *
 * <p>Subclasses implement only {@link #train}; validation, caching, training facts and the threshold
 * are handled here once.
 *
 * @param <M> the model type
 */
public abstract class AnomalyDetector<M extends AnomalyModel<M>, D extends AnomalyDetector<M, D>>
    extends Estimator<M> implements DetectorParams, DefaultParamsWritable {

  private final String uid;
  private final ParamRegistry paramRegistry = new ParamRegistry();

  /** {@code uid} null: a new random uid prefixed with the detector's name (Spark's convention). */
  protected AnomalyDetector(String uid) {
    this.uid = uid != null ? uid : org.apache.spark.ml.util.Identifiable$.MODULE$.randomUID(detectorName());
    paramRegistry.initialize(this);
  }

  @Override
  public final ParamRegistry paramRegistry() {
    return paramRegistry;
  }

  @SuppressWarnings("unchecked")
  protected final D self() {
    return (D) this;
  }

  /** Sets {@code param} (of this detector) and returns it, so setters chain. */
  protected final <T> D setParam(org.apache.spark.ml.param.Param<T> param, T value) {
    set(param, value);
    return self();
  }

  public D setFeaturesCol(String value) { return setParam(featuresCol(), value); }
  public D setScoreCol(String value) { return setParam(scoreCol(), value); }
  public D setPredictionCol(String value) { return setParam(predictionCol(), value); }
  public D setThresholdStrategy(String value) { return setParam(thresholdStrategy(), value); }
  public D setContamination(double value) { return setParam(contamination(), value); }
  public D setThresholdSigmas(double value) { return setParam(thresholdSigmas(), value); }
  public D setThreshold(double value) { return setParam(threshold(), value); }
  public D setExplainTopK(int value) { return setParam(explainTopK(), value); }

  /**
   * Fits the model on {@code features}, a dataset holding only the validated, non-empty features
   * column (and any other {@link #trainingColumns}), persisted by the caller. Returns a model holding
   * its data; params are copied afterwards.
   *
   * @param numRows the number of training rows (already counted, >= 1)
   */
  protected abstract M train(Dataset<Row> features, long numRows);

  /**
   * The columns {@link #train} receives, the features column first. Detectors that read more than the
   * features (a sequence detector's entity and order columns) add theirs.
   */
  protected java.util.List<String> trainingColumns() {
    return java.util.List.of(getFeaturesCol());
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public M fit(Dataset<?> dataset) {
    return fit(dataset, scores -> { });
  }

  /**
   * As {@link #fit(Dataset)}, and hands the model's scores of its training rows (the {@code scoreCol} column,
   * persisted; see {@link AnomalyModel#scoreTrainingRows}) to {@code useTrainingScores} before they are released,
   * so a caller that needs them too (an ensemble fitting its normalisation) does not score the rows again.
   */
  public M fit(Dataset<?> dataset, java.util.function.Consumer<Dataset<Row>> useTrainingScores) {
    transformSchema(dataset.schema(), true);
    if (getThresholdStrategy().equals(SharedParams.FIXED) && !Double.isFinite(getThreshold())) {
      throw new IllegalArgumentException(
          "thresholdStrategy is 'fixed' but threshold is not set; set threshold to a finite score.");
    }
    Dataset<Row> features = dataset.select(trainingColumns().stream().map(c -> org.apache.spark.sql.functions.col(
        "`" + c + "`")).toArray(org.apache.spark.sql.Column[]::new));
    // Training makes several passes (count, the fit itself, the training scores for the threshold):
    // read the input once.
    boolean cacheHere = dataset.storageLevel().equals(StorageLevel.NONE());
    if (cacheHere) {
      features = features.persist(StorageLevel.MEMORY_AND_DISK());
    }
    try {
      long n = features.count();
      if (n == 0) {
        throw new IllegalArgumentException(String.format(
            "Cannot fit %s on an empty dataset (0 rows in column '%s').", uid, getFeaturesCol()));
      }
      M model = train(features, n);
      copyValues(model, ParamMap.empty());
      model.setParent(this);
      org.apache.spark.ml.linalg.Vector means = features.select(org.apache.spark.ml.stat.Summarizer.mean(
          org.apache.spark.sql.functions.col("`" + getFeaturesCol() + "`"))).first().getAs(0);
      model.setTrainingFacts(n, model.getNumFeatures(),
          Explanations.featureNames(dataset.schema(), getFeaturesCol(), model.getNumFeatures()), means.toArray());
      // One scoring pass over the training rows, kept for the threshold and the drift baseline (both read
      // the scores several times: count, quantile, deciles, bins).
      Dataset<Row> scores = model.scoreTrainingRows(features).select(org.apache.spark.sql.functions.col(
          "`" + getScoreCol() + "`")).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        String strategy = getThresholdStrategy();
        if (!strategy.equals(SharedParams.FIXED)) {
          model.setThreshold(chooseThreshold(scores, getScoreCol(), strategy, this), strategy);
        }
        model.setTrainingScoreBaseline(scores, n);
        useTrainingScores.accept(scores);
      } finally {
        scores.unpersist();
      }
      return model;
    } finally {
      if (cacheHere) {
        features.unpersist();
      }
    }
  }

  /**
   * The training-score threshold of {@code params}' strategy (see {@link Thresholds#choose}); scores that
   * cannot rank rows are an error naming the detector and what to change, never a model that flags every row.
   */
  public static Thresholds.Choice chooseThresholdFully(Dataset<Row> scores, String scoreCol, String strategy,
      DetectorParams params) {
    try {
      return Thresholds.choose(scores, scoreCol, strategy, params.getContamination(), params.getThresholdSigmas());
    } catch (Thresholds.DegenerateScoresException e) {
      throw new Thresholds.DegenerateScoresException(String.format("Detector %s (%s) cannot rank its training rows:"
          + " %s. %s", params.detectorName(), params.uid(), e.getMessage(), params.degenerateScoresHint()));
    }
  }

  static double chooseThreshold(Dataset<Row> scores, String scoreCol, String strategy, DetectorParams params) {
    return chooseThresholdFully(scores, scoreCol, strategy, params).threshold();
  }

  @Override
  public StructType transformSchema(StructType schema) {
    Schemas.requireVectorColumn(schema, getFeaturesCol(), -1);
    return Schemas.appendDouble(Schemas.appendDouble(schema, getScoreCol()), getPredictionCol());
  }

  @Override
  public D copy(ParamMap extra) {
    return defaultCopy(extra);
  }
}

package io.vigil.core;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted detector. It scores every row (higher = more anomalous) and applies the threshold:
 * {@code prediction = 1.0} when {@code score >= threshold}, else {@code 0.0}.
 *
 * <p>Subclasses implement {@link #score} (append {@code scoreCol}), {@code copy} (which must carry the
 * model data) and {@code write}.
 *
 * @param <M> the concrete model type, so that setters return it
 */
public abstract class AnomalyModel<M extends AnomalyModel<M>> extends Model<M>
    implements DetectorParams, MLWritable {

  private final String uid;
  private final ParamRegistry paramRegistry = new ParamRegistry();

  protected AnomalyModel(String uid) {
    this.uid = uid;
    paramRegistry.initialize(this);
  }

  @Override
  public final ParamRegistry paramRegistry() {
    return paramRegistry;
  }

  /** Appends {@code scoreCol} (double, higher = more anomalous) to {@code dataset}. The features
   * column has been validated by {@link #transformSchema} already. */
  protected abstract Dataset<Row> score(Dataset<?> dataset);

  /**
   * Whether {@link #score} writes the explanation columns when {@code explainTopK} > 0; detectors that
   * can attribute a score to features override this (and append {@link Explanations#appendColumns}).
   */
  public boolean explains() {
    return false;
  }

  @Override
  public String uid() {
    return uid;
  }

  /** Facts of the fit, set by the detector: never set by users, saved with the model. */
  public LongParam numTrainingRows() {
    return defineParam("numTrainingRows", null, () -> new LongParam(uid, "numTrainingRows",
        "number of rows the model was fit on (set by fit; >= 1)", ParamValidators.gtEq(1)));
  }

  public IntParam numFeatures() {
    return defineParam("numFeatures", null, () -> new IntParam(uid, "numFeatures",
        "width of the feature vector the model was fit on (set by fit; >= 1)", ParamValidators.gtEq(1)));
  }

  public StringArrayParam featureNames() {
    return defineParam("featureNames", null, () -> new StringArrayParam(this, "featureNames",
        "names of the features, in vector order (set by fit from the features column's ML attributes)"));
  }

  public DoubleArrayParam featureMeans() {
    return defineParam("featureMeans", null, () -> new DoubleArrayParam(this, "featureMeans",
        "each feature's mean over the training rows, in vector order (set by fit): the baseline a"
            + " perturbation explanation puts in a feature's place"));
  }

  /** A fact of the fit that a later step records (no default: unset until then). */
  protected final DoubleParam fitFact(String name, String doc) {
    return defineParam(name, null, () -> new DoubleParam(uid, name, doc));
  }

  /** Figures of the rows the threshold (and an ensemble's weights) were chosen on: set by AnomalyPipeline. */
  public DoubleParam validationRocAuc() {
    return fitFact("validationRocAuc", "ROC AUC of the scores on the labelled validation rows (unset without them)");
  }

  public DoubleParam validationPrAuc() {
    return fitFact("validationPrAuc", "average precision on the labelled validation rows");
  }

  public DoubleParam validationBestF1() {
    return fitFact("validationBestF1", "the best F1 over thresholds on the labelled validation rows");
  }

  public LongParam numValidationRows() {
    return defineParam("numValidationRows", null, () -> new LongParam(uid, "numValidationRows",
        "labelled validation rows the figures were computed on (set by AnomalyPipeline)"));
  }

  /** The training-score distribution later runs' drift (PSI) is measured against: set by AnomalyPipeline. */
  public DoubleArrayParam trainScoreEdges() {
    return defineParam("trainScoreEdges", null, () -> new DoubleArrayParam(this, "trainScoreEdges",
        "interior bin edges of the training scores (their distinct deciles): the drift baseline's bins"));
  }

  public DoubleArrayParam trainScoreShares() {
    return defineParam("trainScoreShares", null, () -> new DoubleArrayParam(this, "trainScoreShares",
        "share of the training scores in each bin of trainScoreEdges (one more than the edges)"));
  }

  public DoubleParam trainShareFlagged() {
    return fitFact("trainShareFlagged", "share of the training rows at or above the threshold: the share a run is"
        + " expected to flag");
  }

  /** The calibration slice (set by AnomalyPipeline when calibrationFraction > 0): never fit on. */
  public DoubleParam calibrationFraction() {
    return fitFact("calibrationFraction", "share of the training input held out (seeded) to set the threshold, the"
        + " expected share flagged and the drift baseline; unset = the training rows' own scores did");
  }

  public LongParam numCalibrationRows() {
    return defineParam("numCalibrationRows", null, () -> new LongParam(uid, "numCalibrationRows",
        "rows of the calibration slice (set by AnomalyPipeline)"));
  }

  /** Records the calibration slice (see {@link #calibrationFraction}). */
  public M setCalibrationSlice(double fraction, long rows) {
    set(calibrationFraction(), fraction);
    return setParam(numCalibrationRows(), rows);
  }

  /** Records the validation figures (see {@link #validationRocAuc}). */
  public M setValidationFigures(double rocAuc, double prAuc, double bestF1, long rows) {
    set(validationRocAuc(), rocAuc);
    set(validationPrAuc(), prAuc);
    set(validationBestF1(), bestF1);
    return setParam(numValidationRows(), rows);
  }

  /** Records the drift baseline (see {@link #trainScoreEdges}). */
  public M setTrainingScoreBaseline(double[] edges, double[] shares, double shareFlagged) {
    set(trainScoreEdges(), edges);
    set(trainScoreShares(), shares);
    return setParam(trainShareFlagged(), shareFlagged);
  }

  /**
   * Records the drift baseline from {@code scores} (one {@code scoreCol} column of {@code rows} rows, persisted
   * by the caller: it is read three times): their decile bins and the share at or above the threshold.
   */
  public M setTrainingScoreBaseline(Dataset<Row> scores, long rows) {
    double[] edges = io.vigil.threshold.Drift.edges(scores, getScoreCol());
    long above = Double.isNaN(getThreshold()) ? 0 : scores.where(col(getScoreCol()).geq(getThreshold())).count();
    return setTrainingScoreBaseline(edges, io.vigil.threshold.Drift.shares(scores, getScoreCol(), edges),
        (double) above / rows);
  }

  /** The training rows' feature means (set by fit); an error naming the model when it was saved without them. */
  public double[] getFeatureMeans() {
    if (!isDefined(featureMeans()) || ((double[]) getOrDefault(featureMeans())).length != getNumFeatures()) {
      throw new IllegalStateException("Model " + uid + " has no training feature means (saved by an older Vigil);"
          + " retrain it to explain its scores.");
    }
    return (double[]) getOrDefault(featureMeans());
  }

  /** The feature names recorded at fit time, or f0 .. f(n-1) for a model saved without them. */
  public String[] getFeatureNames() {
    if (isDefined(featureNames()) && ((String[]) getOrDefault(featureNames())).length == getNumFeatures()) {
      return (String[]) getOrDefault(featureNames());
    }
    String[] generic = new String[getNumFeatures()];
    for (int i = 0; i < generic.length; i++) {
      generic[i] = "f" + i;
    }
    return generic;
  }

  public M setExplainTopK(int value) { return setParam(explainTopK(), value); }

  public long getNumTrainingRows() {
    return (Long) getOrDefault(numTrainingRows());
  }

  public int getNumFeatures() {
    return (Integer) getOrDefault(numFeatures());
  }

  public M setFeaturesCol(String value) { return setParam(featuresCol(), value); }
  public M setScoreCol(String value) { return setParam(scoreCol(), value); }
  public M setPredictionCol(String value) { return setParam(predictionCol(), value); }

  /** Sets the threshold and records the strategy that chose it (kept in the saved model). */
  public M setThreshold(double value, String strategy) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("threshold must be finite, got " + value + ".");
    }
    set(thresholdStrategy(), strategy);
    return setParam(threshold(), value);
  }

  public M setThreshold(double value) {
    return setThreshold(value, SharedParams.FIXED);
  }

  /** Called by the detector's fit. */
  M setTrainingFacts(long rows, int width, String[] names, double[] means) {
    set(numTrainingRows(), rows);
    set(featureMeans(), means);
    set(featureNames(), names);
    return setParam(numFeatures(), width);
  }

  @SuppressWarnings("unchecked")
  protected final <T> M setParam(Param<T> param, T value) {
    set(param, value);
    return (M) this;
  }

  /** {@link #eachRow}'s scorer: a static class, so that it ships the broadcast and the scorer, not the model. */
  private static final class RowByRow<T> implements FeatureBatchScorer {
    private final org.apache.spark.broadcast.Broadcast<T> shared;
    private final RowScorer<T> scorer;
    private transient T value; // the broadcast's value, read once per task: this is called row by row

    RowByRow(org.apache.spark.broadcast.Broadcast<T> shared, RowScorer<T> scorer) {
      this.shared = shared;
      this.scorer = scorer;
    }

    @Override
    public void score(double[] x, int rows, int width, double[] scores, float[] contributions) {
      if (value == null) {
        value = shared.value();
      }
      double[] row = rows == 1 && x.length == width ? x : new double[width];
      for (int i = 0; i < rows; i++) {
        if (row != x) {
          System.arraycopy(x, i * width, row, 0, width);
        }
        scores[i] = scorer.score(value, row);
      }
    }

    @Override
    public int batchRows() {
      return 1;
    }
  }

  /** How one row is scored from the model's (broadcast) state; higher = more anomalous. */
  @FunctionalInterface
  protected interface RowScorer<T> extends java.io.Serializable {
    double score(T state, double[] features);
  }

  /** Each feature's contribution to one row's score (one value per feature, >= 0). */
  @FunctionalInterface
  protected interface RowExplainer<T> extends java.io.Serializable {
    double[] contributions(T state, double[] features, double score);
  }

  /**
   * A perturbation attribution: feature j's contribution is how much the score falls when x_j is replaced
   * by its training mean, max(0, s(x) - s(x with x_j = mean_j)); a feature already at its mean gets 0.
   * Each detector computes it its own way (cheaper than rescoring the row once per feature).
   */
  @FunctionalInterface
  protected interface PerturbationExplainer<T> extends java.io.Serializable {
    double[] contributions(T state, double[] means, double[] features, double score);
  }

  /**
   * {@link #scoreEachRow}, explained (when {@code explainTopK} > 0) by {@code explainer} against the
   * training means, on flagged rows only (the perturbation costs more than the score).
   */
  protected final <T> Dataset<Row> scoreEachRowExplainedByPerturbation(Dataset<?> dataset, T state,
      RowScorer<T> scorer, PerturbationExplainer<T> explainer) {
    if (getExplainTopK() == 0) {
      return scoreEachRow(dataset, state, scorer);
    }
    double[] means = getFeatureMeans();
    return scoreEachRow(dataset, state, scorer, (s, x, score) -> explainer.contributions(s, means, x, score), true);
  }

  /**
   * As {@link #scoreEachRow(Dataset, Object, RowScorer)}, and when {@code explainTopK} > 0 also the
   * explanation columns from {@code explainer}. With {@code flaggedOnly}, rows scoring below the
   * threshold get empty arrays (the explainer is costly, and those rows are not anomalies); a model
   * without a threshold yet explains every row.
   */
  protected final <T> Dataset<Row> scoreEachRow(Dataset<?> dataset, T state, RowScorer<T> scorer,
      RowExplainer<T> explainer, boolean flaggedOnly) {
    if (getExplainTopK() == 0) {
      return scoreEachRow(dataset, state, scorer);
    }
    org.apache.spark.broadcast.Broadcast<T> shared = broadcast(dataset.sparkSession(), state);
    int width = getNumFeatures();
    String column = getFeaturesCol();
    String[] names = getFeatureNames();
    int k = getExplainTopK();
    double from = flaggedOnly && Double.isFinite(getThreshold()) ? getThreshold() : Double.NEGATIVE_INFINITY;
    org.apache.spark.sql.api.java.UDF1<org.apache.spark.ml.linalg.Vector, Row> f = v -> {
      double[] x = Schemas.requireWidth(v, column, width);
      double s = scorer.score(shared.value(), x);
      if (!(s >= from)) {
        return org.apache.spark.sql.RowFactory.create(s, new double[0], new String[0]);
      }
      double[] contributions = explainer.contributions(shared.value(), x, s);
      return org.apache.spark.sql.RowFactory.create(s, contributions, Explanations.topNames(contributions, k, names));
    };
    StructType explained = Explanations.appendColumns(Schemas.appendDouble(new StructType(), "score"), "score");
    String tmp = io.vigil.features.FeaturePipeline.TEMP_PREFIX + "explained";
    // non-deterministic: keeps Spark from inlining the UDF into each of the three columns it feeds
    Dataset<Row> out = dataset.withColumn(tmp, org.apache.spark.sql.functions.udf(f, explained)
        .asNondeterministic().apply(col(column)));
    return Explanations.fromStruct(out.withColumn(getScoreCol(), col(tmp + ".score")), tmp, "score", getScoreCol())
        .drop(tmp);
  }

  /**
   * Appends {@code scoreCol} by scoring each row's feature vector with {@code scorer}. {@code state} is
   * broadcast once, so every task on an executor shares one copy; a null vector or one of another width
   * is an error naming the column and both widths.
   */
  protected final <T> Dataset<Row> scoreEachRow(Dataset<?> dataset, T state, RowScorer<T> scorer) {
    org.apache.spark.broadcast.Broadcast<T> shared = broadcast(dataset.sparkSession(), state);
    int width = getNumFeatures();
    String column = getFeaturesCol();
    org.apache.spark.sql.api.java.UDF1<org.apache.spark.ml.linalg.Vector, Double> f =
        v -> scorer.score(shared.value(), Schemas.requireWidth(v, column, width));
    return dataset.withColumn(getScoreCol(), org.apache.spark.sql.functions.udf(f,
        org.apache.spark.sql.types.DataTypes.DoubleType).apply(col(column)));
  }

  /** One read-only copy of the scoring state per executor, shared by its tasks. */
  private static <T> org.apache.spark.broadcast.Broadcast<T> broadcast(org.apache.spark.sql.SparkSession spark,
      T state) {
    return org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(state);
  }

  /** Scores only: {@code scoreCol} appended, no threshold needed (used to choose one). */
  public Dataset<Row> scoreOnly(Dataset<?> dataset) {
    StructType schema = dataset.schema();
    Schemas.requireVectorColumn(schema, getFeaturesCol(), getNumFeatures());
    Schemas.appendDouble(schema, getScoreCol());
    if (getExplainTopK() > 0) { // the threshold pass needs scores only
      return copy(new org.apache.spark.ml.param.ParamMap().put(explainTopK(), 0)).score(dataset);
    }
    return score(dataset);
  }

  /**
   * Scores of the model's own training rows ({@code scoreCol} appended), as the label-free threshold and the drift
   * baseline need them: scores a fresh row would get from the same model. For most models that is
   * {@link #scoreOnly}; a model whose training rows are part of it (knn's reference set) leaves each row out of its
   * own score, and an ensemble combines its members' training-row scores. Only for the rows the model was fit on.
   */
  public Dataset<Row> scoreTrainingRows(Dataset<?> trainingRows) {
    return scoreOnly(trainingRows);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    requireThreshold();
    return withPrediction(score(dataset));
  }

  /** {@code scored} (which holds {@code scoreCol}) with {@code predictionCol}: 1.0 where the score reaches the threshold. */
  public Dataset<Row> withPrediction(Dataset<Row> scored) {
    return scored.withColumn(getPredictionCol(),
        when(col(getScoreCol()).geq(lit(requireThreshold())), lit(1.0)).otherwise(lit(0.0)));
  }

  private double requireThreshold() {
    double t = getThreshold();
    if (Double.isNaN(t)) {
      throw new IllegalStateException("Model " + uid + " has no threshold; fit it through its detector,"
          + " call setThreshold, or choose one on labelled validation rows with AnomalyPipeline.");
    }
    return t;
  }

  /**
   * This model's scorer of feature batches for the one-pass scoring path (features read from the input columns
   * straight into a batch, {@link io.vigil.pipeline.AnomalyPipeline#scoreRows}), its state broadcast once through
   * {@code spark}: the same scores as {@link #transform}, and with {@code explainTopK} set the same contributions.
   * Null when the model has none in its current params: its rows then go through {@link #transform}.
   */
  public FeatureBatchScorer batchScorer(org.apache.spark.sql.SparkSession spark) {
    return null;
  }

  /**
   * A {@link FeatureBatchScorer} that scores each row of a batch with {@code scorer} on the broadcast {@code state};
   * null when the model explains (its row explainers run through {@link #transform}).
   */
  protected final <T> FeatureBatchScorer eachRow(org.apache.spark.sql.SparkSession spark, T state,
      RowScorer<T> scorer) {
    if (getExplainTopK() > 0) {
      return null;
    }
    return new RowByRow<>(broadcast(spark, state), scorer);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    Schemas.requireVectorColumn(schema, getFeaturesCol(), isDefined(numFeatures()) ? getNumFeatures() : -1);
    StructType out = Schemas.appendDouble(schema, getScoreCol());
    if (getExplainTopK() > 0) {
      if (!explains()) {
        throw new IllegalArgumentException(String.format("explainTopK is %d but the %s detector has no"
            + " explanations in this mode; set explainTopK to 0.", getExplainTopK(), detectorName()));
      }
      out = Explanations.appendColumns(out, getScoreCol());
    }
    return Schemas.appendDouble(out, getPredictionCol());
  }
}

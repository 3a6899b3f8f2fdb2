package io.vigil.ensemble;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.core.AnomalyModel;
import io.vigil.core.Explanations;
import io.vigil.eval.AnomalyEvaluator;
import io.vigil.features.FeaturePipeline;
import io.vigil.persist.ModelPersistence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * A fitted ensemble: its members' models (each scoring into its own intermediate column) and each one's
 * normalisation, fitted on its training scores. score = the weighted mean (or the max) of the members'
 * normalised scores.
 */
public class EnsembleModel extends AnomalyModel<EnsembleModel> implements EnsembleParams {

  private final List<AnomalyModel<?>> memberModels;
  private final double[][] normalizers;

  EnsembleModel(String uid, List<AnomalyModel<?>> memberModels, double[][] normalizers, int width) {
    super(uid);
    this.memberModels = List.copyOf(memberModels);
    this.normalizers = normalizers;
    set(numFeatures(), width);
  }

  public EnsembleModel setCombination(String v) { return setParam(combination(), v); }

  public EnsembleModel setWeights(double... v) {
    if (v.length != 0 && v.length != memberModels.size()) {
      throw new IllegalArgumentException(String.format("weights has %d values for %d members.", v.length,
          memberModels.size()));
    }
    return setParam(weights(), v);
  }

  /** Figures of the rows tuneHoldOut chose the weights on (set by AnomalyPipeline). */
  public DoubleParam tuningRocAuc() {
    return fitFact("tuningRocAuc", "ROC AUC of the chosen weights on the tuneHoldOut rows (held-out training rows +"
        + " labelled anomalies)");
  }

  public LongParam numTuningNormalRows() {
    return defineParam("numTuningNormalRows", null, () -> new LongParam(uid(), "numTuningNormalRows",
        "held-out training rows the weights were chosen on (the normal side)"));
  }

  public LongParam numTuningAnomalyRows() {
    return defineParam("numTuningAnomalyRows", null, () -> new LongParam(uid(), "numTuningAnomalyRows",
        "validation rows labelled 1 the weights were chosen on (the anomalies)"));
  }

  public EnsembleModel setTuningFigures(double rocAuc, long normalRows, long anomalyRows) {
    set(tuningRocAuc(), rocAuc);
    set(numTuningNormalRows(), normalRows);
    return setParam(numTuningAnomalyRows(), anomalyRows);
  }

  /** The member models, in members' order. */
  public List<AnomalyModel<?>> memberModels() {
    return memberModels;
  }

  /** The intermediate column member {@code i} scores into (dropped from the output; the score tables drop the prefix anyway). */
  static String memberScoreCol(int i) {
    return FeaturePipeline.TEMP_PREFIX + "member_score_" + i;
  }

  private static String normalizedCol(int i) {
    return FeaturePipeline.TEMP_PREFIX + "member_normalized_" + i;
  }

  /**
   * The members that count: all of them for max, the ones with a weight above 0 for the mean (a zero
   * weight adds nothing to the sum or the total, so that member is not scored at all).
   */
  private int[] activeMembers() {
    double[] w = getWeights();
    return java.util.stream.IntStream.range(0, memberModels.size())
        .filter(i -> getCombination().equals(MAX) || w.length == 0 || w[i] > 0).toArray();
  }

  /** Explains when every member that counts does (in its current mode). */
  @Override
  public boolean explains() {
    return java.util.Arrays.stream(activeMembers()).allMatch(i -> memberModels.get(i).explains());
  }

  @Override
  protected Dataset<Row> score(Dataset<?> dataset) {
    return combined(dataset, getExplainTopK() > 0, false);
  }

  /**
   * The combination of the members' own training-row scores: a knn member leaves each row out of its own score,
   * so that the ensemble's label-free threshold and drift baseline are those of fresh rows, like its members'.
   */
  @Override
  public Dataset<Row> scoreTrainingRows(Dataset<?> trainingRows) {
    return combined(trainingRows, false, true);
  }

  /** dataset + the ensemble's score (and its explanations); {@code trainingRows}: the members' training-row scores. */
  private Dataset<Row> combined(Dataset<?> dataset, boolean explain, boolean trainingRows) {
    int[] active = activeMembers();
    Dataset<Row> out = normalizedMembers(dataset, active, explain, trainingRows);
    out = out.withColumn(getScoreCol(), combine(active, getWeights()));
    if (explain) {
      out = explainedByMembers(out, active);
    }
    for (int i : active) {
      out = out.drop(normalizedCol(i));
    }
    return out;
  }

  /**
   * dataset + each listed member's normalised score (its raw score column replaced); with {@code explain},
   * also each member's contributions, from rows at or above the ensemble's threshold carried back to the
   * member's own scale (every row the mean or the max flags has a member that reaches it there, so a
   * member that explains flagged rows only, by perturbation, is not run on the rest).
   */
  private Dataset<Row> normalizedMembers(Dataset<?> dataset, int[] listed, boolean explain, boolean trainingRows) {
    Dataset<Row> out = dataset.toDF();
    String kind = getNormalization();
    for (int i : listed) {
      AnomalyModel<?> member = memberModels.get(i);
      double[] stats = normalizers[i];
      UDF1<Double, Double> normalize = s -> Normalization.apply(s, stats, kind);
      UserDefinedFunction f = org.apache.spark.sql.functions.udf(normalize, DataTypes.DoubleType);
      // the member reads whatever features column the ensemble is set to now
      ParamMap params = ParamMap.empty().put(member.featuresCol(), getFeaturesCol());
      if (explain) {
        String prediction = FeaturePipeline.TEMP_PREFIX + "member_prediction_" + i;
        AnomalyModel<?> explaining = (AnomalyModel<?>) member.copy(params.put(member.explainTopK(), getExplainTopK())
            .put(member.threshold(), memberThreshold(i)).put(member.predictionCol(), prediction));
        out = explaining.transform(out).drop(prediction);
      } else if (trainingRows) {
        out = ((AnomalyModel<?>) member.copy(params)).scoreTrainingRows(out);
      } else {
        out = ((AnomalyModel<?>) member.copy(params)).scoreOnly(out);
      }
      out = out.withColumn(normalizedCol(i), f.apply(col(memberScoreCol(i)))).drop(memberScoreCol(i));
    }
    return out;
  }

  /** The ensemble's threshold on member i's raw scale (a hair below, for rounding); no threshold: every row. */
  private double memberThreshold(int i) {
    double t = getThreshold();
    if (!Double.isFinite(t)) {
      return -Double.MAX_VALUE;
    }
    double raw = Normalization.invert(t, normalizers[i], getNormalization());
    return raw - 1e-9 * Math.max(1.0, Math.abs(raw));
  }

  /**
   * The ensemble's explanation columns from its members': feature j's contribution is the sum over members
   * of a_i × (member i's contribution share of feature j), a_i = w_i × max(0, n_i - c) for the mean (n_i the
   * normalised score, c its training median: 0 for robust z, ½ for ranks) and, for the max, that excess of
   * the largest member alone. So the contributions sum to the row's weighted excess over a typical training
   * row, and a member counts as much as it pushes the row up. Rows below the threshold get empty arrays,
   * as members do that explain by perturbation.
   */
  private Dataset<Row> explainedByMembers(Dataset<Row> scored, int[] active) {
    int n = active.length;
    Column[] inputs = new Column[1 + 2 * n];
    inputs[0] = col(getScoreCol());
    double[] w = new double[n];
    for (int a = 0; a < n; a++) {
      int i = active[a];
      inputs[1 + a] = col(normalizedCol(i));
      inputs[1 + n + a] = col(Explanations.contributionsCol(memberScoreCol(i)));
      w[a] = getWeights().length == 0 ? 1.0 : getWeights()[active[a]];
    }
    boolean max = getCombination().equals(MAX);
    double center = Normalization.center(getNormalization());
    double from = Double.isFinite(getThreshold()) ? getThreshold() : Double.NEGATIVE_INFINITY;
    int k = getExplainTopK();
    String[] names = getFeatureNames();
    int width = getNumFeatures();
    UDF1<Row, Row> explain = r -> {
      if (!(r.getDouble(0) >= from)) {
        return RowFactory.create(new double[0], new String[0]);
      }
      int largest = 0;
      for (int a = 1; a < n; a++) {
        largest = r.getDouble(1 + a) > r.getDouble(1 + largest) ? a : largest;
      }
      double[] contributions = new double[width];
      double total = 0;
      for (int a = 0; a < n; a++) {
        double push = (max ? (a == largest ? 1.0 : 0.0) : w[a]) * Math.max(0.0, r.getDouble(1 + a) - center);
        List<Double> member = r.getList(1 + n + a);
        double sum = member.stream().mapToDouble(Double::doubleValue).sum();
        if (push > 0 && sum > 0) {
          for (int j = 0; j < width; j++) {
            contributions[j] += push * member.get(j) / sum;
          }
          total += push;
        }
      }
      return total > 0 ? RowFactory.create(contributions, Explanations.topNames(contributions, k, names))
          : RowFactory.create(new double[0], new String[0]);
    };
    StructType explained = Explanations.appendColumns(new StructType(), "e");
    String tmp = FeaturePipeline.TEMP_PREFIX + "ensemble_explained";
    // non-deterministic: keeps Spark from inlining the UDF into both columns it feeds
    Dataset<Row> out = scored.withColumn(tmp, org.apache.spark.sql.functions.udf(explain, explained)
        .asNondeterministic().apply(org.apache.spark.sql.functions.struct(inputs)));
    out = Explanations.fromStruct(out, tmp, "e", getScoreCol()).drop(tmp);
    for (int i : active) {
      out = out.drop(Explanations.contributionsCol(memberScoreCol(i))).drop(Explanations.topFeaturesCol(memberScoreCol(i)));
    }
    return out;
  }

  private Column combine(int[] listed, double[] w) {
    if (getCombination().equals(MAX)) {
      return greatest(java.util.Arrays.stream(listed).mapToObj(i -> col(normalizedCol(i))).toArray(Column[]::new));
    }
    return weightedMean(listed, w);
  }

  private static Column weightedMean(int[] listed, double[] w) {
    Column sum = lit(0.0);
    double total = 0;
    for (int i : listed) {
      double wi = w.length == 0 ? 1.0 : w[i];
      sum = sum.plus(col(normalizedCol(i)).multiply(wi));
      total += wi;
    }
    return sum.divide(total);
  }

  /** Weights chosen on labelled validation rows, and the validation ROC AUC of the mean with them. */
  public record WeightChoice(double[] weights, double validationRocAuc) {}

  /**
   * Chooses the mean's weights on labelled validation rows (never test rows): coordinate ascent on the
   * validation ROC AUC, each weight over {0, 0.25, 0.5, 1, 2, 4} with the others held, from equal weights,
   * until a sweep changes nothing (at most 3). Leaves this model unchanged.
   */
  public WeightChoice chooseWeights(Dataset<?> validation, String labelCol) {
    double[] grid = {0, 0.25, 0.5, 1, 2, 4};
    int n = memberModels.size();
    int[] all = java.util.stream.IntStream.range(0, n).toArray();
    Dataset<Row> scored = normalizedMembers(validation.select(col(getFeaturesCol()), col(labelCol)), all, false, false)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      AnomalyEvaluator auc = new AnomalyEvaluator().setScoreCol("_weighted").setLabelCol(labelCol);
      double[] best = new double[n];
      java.util.Arrays.fill(best, 1.0);
      double bestAuc = auc.evaluate(scored.withColumn("_weighted", weightedMean(all, best)));
      for (int sweep = 0; sweep < 3; sweep++) {
        boolean changed = false;
        for (int i = 0; i < n; i++) {
          for (double g : grid) {
            double[] trial = best.clone();
            trial[i] = g;
            if (g == best[i] || java.util.Arrays.stream(trial).sum() == 0) {
              continue;
            }
            double a = auc.evaluate(scored.withColumn("_weighted", weightedMean(all, trial)));
            if (a > bestAuc + 1e-6) {
              bestAuc = a;
              best = trial;
              changed = true;
            }
          }
        }
        if (!changed) {
          break;
        }
      }
      return new WeightChoice(best, bestAuc);
    } finally {
      scored.unpersist();
    }
  }

  /**
   * {@link #chooseWeights} applied: returns this model with combination 'mean' and the chosen weights set;
   * the threshold must be chosen again after it.
   */
  public EnsembleModel tuneWeights(Dataset<?> validation, String labelCol) {
    double[] weights = chooseWeights(validation, labelCol).weights();
    set(combination(), MEAN);
    return setWeights(weights);
  }

  @Override
  public EnsembleModel copy(ParamMap extra) {
    return copyValues(new EnsembleModel(uid(), memberModels, normalizers, getNumFeatures()), extra)
        .setParent(parent());
  }

  /** Metadata JSON (with each member's normalisation) + each member model under {@code members/<i>}. */
  @Override
  public MLWriter write() {
    return new ModelPersistence.SealedWriter(this, Map.of("normalizers", normalizers), (path, spark) -> {
      for (int i = 0; i < memberModels.size(); i++) {
        ModelPersistence.save(memberModels.get(i), memberPath(path, i));
      }
    });
  }

  public static MLReader<EnsembleModel> read() {
    return ModelPersistence.reader(EnsembleModel.class, (metadata, path, spark) -> {
      JsonNode saved = ModelPersistence.fields(metadata).path("normalizers");
      double[][] normalizers = new double[saved.size()][];
      List<AnomalyModel<?>> models = new ArrayList<>();
      for (int i = 0; i < saved.size(); i++) {
        normalizers[i] = new double[saved.get(i).size()];
        for (int j = 0; j < normalizers[i].length; j++) {
          normalizers[i][j] = saved.get(i).get(j).asDouble();
        }
        models.add((AnomalyModel<?>) DefaultParamsReader$.MODULE$.loadParamsInstance(memberPath(path, i),
            spark.sparkContext()));
      }
      if (models.size() < 2) {
        throw new IllegalArgumentException("The ensemble at " + path + " has " + models.size() + " members saved.");
      }
      return new EnsembleModel(metadata.uid(), models, normalizers, ModelPersistence.numFeatures(metadata, path));
    });
  }

  public static EnsembleModel load(String path) { return read().load(path); }

  /** Where member {@code i} of an ensemble (detector or model) saved at {@code path} is saved. */
  static String memberPath(String path, int i) {
    return new Path(new Path(path, "members"), String.valueOf(i)).toString();
  }
}

package io.vigil.ensemble;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.core.AnomalyModel;
import io.vigil.eval.AnomalyEvaluator;
import io.vigil.features.FeaturePipeline;
import io.vigil.persist.ModelPersistence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * A fitted ensemble: its members' models (each scoring into its own intermediate column) and each one's
 * normalisation, fitted on its training scores. score = the weighted mean (or the max) of the members'
 * normalised scores.
 */
public class EnsembleModel extends AnomalyModel<EnsembleModel> implements EnsembleParams {

  private final StringArrayParam members;
  private final Param<String> normalization;
  private final Param<String> combination;
  private final DoubleArrayParam weights;

  private final List<AnomalyModel<?>> memberModels;
  private final double[][] normalizers;

  EnsembleModel(String uid, List<AnomalyModel<?>> memberModels, double[][] normalizers, int width) {
    super(uid);
    members = EnsembleParams.members(this);
    normalization = EnsembleParams.normalization(this);
    combination = EnsembleParams.combination(this);
    weights = EnsembleParams.weights(this);
    EnsembleParams.setEnsembleDefaults(this);
    this.memberModels = List.copyOf(memberModels);
    this.normalizers = normalizers;
    set(numFeatures(), width);
  }

  @Override public StringArrayParam members() { return members; }
  @Override public Param<String> normalization() { return normalization; }
  @Override public Param<String> combination() { return combination; }
  @Override public DoubleArrayParam weights() { return weights; }

  public EnsembleModel setCombination(String v) { return setParam(combination, v); }

  public EnsembleModel setWeights(double... v) {
    if (v.length != 0 && v.length != memberModels.size()) {
      throw new IllegalArgumentException(String.format("weights has %d values for %d members.", v.length,
          memberModels.size()));
    }
    return setParam(weights, v);
  }

  /** The member models, in members' order. */
  public List<AnomalyModel<?>> memberModels() {
    return memberModels;
  }

  @Override
  public String detectorName() {
    return EnsembleDetector.NAME;
  }

  /** The intermediate column member {@code i} scores into (dropped from the output; the score tables drop the prefix anyway). */
  static String memberScoreCol(int i) {
    return FeaturePipeline.TEMP_PREFIX + "member_score_" + i;
  }

  private static String normalizedCol(int i) {
    return FeaturePipeline.TEMP_PREFIX + "member_normalized_" + i;
  }

  @Override
  protected Dataset<Row> score(Dataset<?> dataset) {
    Dataset<Row> out = normalizedMembers(dataset);
    int n = memberModels.size();
    Column[] normalized = new Column[n];
    for (int i = 0; i < n; i++) {
      normalized[i] = col(normalizedCol(i));
    }
    out = out.withColumn(getScoreCol(), combine(normalized, getWeights()));
    for (int i = 0; i < n; i++) {
      out = out.drop(normalizedCol(i));
    }
    return out;
  }

  /** dataset + each member's normalised score (its raw score column replaced). */
  private Dataset<Row> normalizedMembers(Dataset<?> dataset) {
    Dataset<Row> out = dataset.toDF();
    String kind = getNormalization();
    for (int i = 0; i < memberModels.size(); i++) {
      AnomalyModel<?> member = memberModels.get(i);
      double[] stats = normalizers[i];
      UDF1<Double, Double> normalize = s -> Normalization.apply(s, stats, kind);
      UserDefinedFunction f = org.apache.spark.sql.functions.udf(normalize, DataTypes.DoubleType);
      // the member reads whatever features column the ensemble is set to now
      out = ((AnomalyModel<?>) member.copy(ParamMap.empty().put(member.featuresCol(), getFeaturesCol())))
          .scoreOnly(out)
          .withColumn(normalizedCol(i), f.apply(col(memberScoreCol(i)))).drop(memberScoreCol(i));
    }
    return out;
  }

  private Column combine(Column[] normalized, double[] w) {
    if (getCombination().equals(MAX)) {
      return greatest(normalized);
    }
    Column sum = lit(0.0);
    double total = 0;
    for (int i = 0; i < normalized.length; i++) {
      double wi = w.length == 0 ? 1.0 : w[i];
      sum = sum.plus(normalized[i].multiply(wi));
      total += wi;
    }
    return sum.divide(total);
  }

  /**
   * Chooses the mean's weights on labelled validation rows (never test rows): coordinate ascent on the
   * validation ROC AUC, each weight over {0, 0.25, 0.5, 1, 2, 4} with the others held, from equal weights,
   * until a sweep changes nothing (at most 3). Returns this model with combination 'mean' and the weights
   * set; the threshold must be chosen again after it.
   */
  public EnsembleModel tuneWeights(Dataset<?> validation, String labelCol) {
    double[] grid = {0, 0.25, 0.5, 1, 2, 4};
    Dataset<Row> scored = normalizedMembers(validation.select(col(getFeaturesCol()), col(labelCol)))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      int n = memberModels.size();
      Column[] normalized = new Column[n];
      for (int i = 0; i < n; i++) {
        normalized[i] = col(normalizedCol(i));
      }
      set(combination, MEAN);
      AnomalyEvaluator auc = new AnomalyEvaluator().setScoreCol("_weighted").setLabelCol(labelCol);
      double[] best = new double[n];
      java.util.Arrays.fill(best, 1.0);
      double bestAuc = auc.evaluate(scored.withColumn("_weighted", combine(normalized, best)));
      for (int sweep = 0; sweep < 3; sweep++) {
        boolean changed = false;
        for (int i = 0; i < n; i++) {
          for (double g : grid) {
            double[] trial = best.clone();
            trial[i] = g;
            if (g == best[i] || java.util.Arrays.stream(trial).sum() == 0) {
              continue;
            }
            double a = auc.evaluate(scored.withColumn("_weighted", combine(normalized, trial)));
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
      return setWeights(best);
    } finally {
      scored.unpersist();
    }
  }

  @Override
  public EnsembleModel copy(ParamMap extra) {
    return copyValues(new EnsembleModel(uid(), memberModels, normalizers, getNumFeatures()), extra)
        .setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  public static MLReader<EnsembleModel> read() {
    return new Reader();
  }

  public static EnsembleModel load(String path) {
    return read().load(path);
  }

  private static String memberPath(String path, int i) {
    return new Path(new Path(path, "members"), String.valueOf(i)).toString();
  }

  /** Metadata JSON (with each member's normalisation) + each member model under {@code members/<i>}. */
  static final class Writer extends MLWriter {
    private final EnsembleModel model;

    Writer(EnsembleModel model) {
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("detector", EnsembleDetector.NAME);
      extra.put("normalizers", model.normalizers);
      ModelPersistence.saveMetadata(model, path, sc(), extra);
      for (int i = 0; i < model.memberModels.size(); i++) {
        try {
          model.memberModels.get(i).write().save(memberPath(path, i));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("Cannot save ensemble member " + i + " to " + memberPath(path, i), e);
        }
      }
      ModelPersistence.writeChecksums(path, sc());
    }
  }

  static final class Reader extends MLReader<EnsembleModel> {
    @Override
    public EnsembleModel load(String path) {
      DefaultParamsReader.Metadata metadata = ModelPersistence.loadMetadata(path, sc(), EnsembleModel.class);
      JsonNode saved = ModelPersistence.fields(metadata).path("normalizers");
      double[][] normalizers = new double[saved.size()][];
      List<AnomalyModel<?>> models = new ArrayList<>();
      for (int i = 0; i < saved.size(); i++) {
        normalizers[i] = new double[saved.get(i).size()];
        for (int j = 0; j < normalizers[i].length; j++) {
          normalizers[i][j] = saved.get(i).get(j).asDouble();
        }
        models.add((AnomalyModel<?>) DefaultParamsReader$.MODULE$.loadParamsInstance(memberPath(path, i), sc()));
      }
      if (models.size() < 2) {
        throw new IllegalArgumentException("The ensemble at " + path + " has " + models.size() + " members saved.");
      }
      EnsembleModel model = new EnsembleModel(metadata.uid(), models, normalizers,
          ModelPersistence.numFeatures(metadata, path));
      ModelPersistence.setParams(metadata, model);
      return model;
    }
  }
}

package io.vigil.bigan;

import io.vigil.core.FeatureBatchScorer;
import io.vigil.dl4j.BatchScoring;
import io.vigil.dl4j.NetworkPersistence;
import io.vigil.dl4j.NeuralModel;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A fitted BiGAN; score = {@code alpha * |x - G(E(x))|_1 + (1 - alpha) * feature-matching distance}
 * ({@code alpha} may be changed on the fitted model: it only mixes the two terms). Its
 * network bytes are {@link BiGanNetwork}'s zip (architecture + parameters), not DL4J's model zip.
 */
public class BiGanModel extends NeuralModel<BiGanModel> implements BiGanParams {

  BiGanModel(String uid, byte[] network, int width) {
    super(uid, network, width);
  }

  /** Re-mixes the two score terms without retraining. */
  public BiGanModel setAlpha(double v) { return setParam(alpha(), v); }

  @Override public boolean explains() { return true; }

  @Override
  protected Dataset<Row> score(Dataset<?> dataset) {
    return BatchScoring.appendScores(dataset, batchScorer(dataset.sparkSession()), getFeaturesCol(), getScoreCol(),
        getNumFeatures(), getExplainTopK(), getFeatureNames());
  }

  /**
   * The network restored once per executor thread as {@link BiGanScorer}'s plain arrays; at alpha 1 the
   * discriminator's term is weighted 0, and not computed.
   */
  @Override
  public FeatureBatchScorer batchScorer(SparkSession spark) {
    double alpha = getAlpha();
    boolean matching = alpha < 1.0;
    return BatchScoring.batchScorer(spark, network, bytes -> restore(bytes, matching),
        (BiGanScorer scorer, double[] x, int rows, int width, double[] scores, float[] contributions)
            -> scorer.score(x, rows, alpha, scores, contributions));
  }

  static BiGanScorer restore(byte[] bytes, boolean matching) {
    var restored = BiGanNetwork.fromBytes(bytes);
    return new BiGanScorer(restored.getKey(), restored.getValue(), matching);
  }

  @Override
  public BiGanModel copy(ParamMap extra) {
    return copyValues(new BiGanModel(uid(), network, getNumFeatures()), extra).setParent(parent());
  }

  public static MLReader<BiGanModel> read() { return NetworkPersistence.reader(BiGanModel.class, BiGanModel::new); }

  public static BiGanModel load(String path) { return read().load(path); }
}

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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

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
    boolean matching = getAlpha() < 1.0;
    return BatchScoring.appendScores(dataset, network, bytes -> restore(bytes, matching), getFeaturesCol(),
        getScoreCol(), getNumFeatures(), scores(getAlpha()), getExplainTopK(), getFeatureNames());
  }

  @Override
  public FeatureBatchScorer batchScorer(SparkSession spark) {
    boolean matching = getAlpha() < 1.0;
    return BatchScoring.batchScorer(spark, network, bytes -> restore(bytes, matching), scores(getAlpha()));
  }

  /** A batch's scores at {@code alpha}; at alpha 1 the discriminator's term is weighted 0, and not computed. */
  private static BatchScoring.BatchScorer<BiGanNetwork.Scorer> scores(double alpha) {
    return (scorer, x, explain) -> mix(scorer.terms(x), alpha, explain);
  }

  /**
   * score = alpha * sum_j |x_j - G(E(x))_j| + (1 - alpha) * feature matching; a feature's contribution is
   * its alpha * |x_j - G(E(x))_j| (they sum to the first term).
   */
  private static BatchScoring.Scores mix(INDArray[] terms, double alpha, boolean explain) {
    INDArray weighted = terms[0].castTo(DataType.FLOAT).mul(alpha);
    double[] reconstruction = weighted.sum(1).castTo(DataType.DOUBLE).toDoubleVector();
    double[] matching = terms[1].castTo(DataType.DOUBLE).toDoubleVector();
    double[] scores = new double[reconstruction.length];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = reconstruction[i] + (1 - alpha) * matching[i];
    }
    return new BatchScoring.Scores(scores, explain ? weighted.dup('c').data().asFloat() : null);
  }

  private static BiGanNetwork.Scorer restore(byte[] bytes, boolean matching) {
    var restored = BiGanNetwork.fromBytes(bytes);
    return restored.getKey().scorer(restored.getValue(), matching);
  }

  @Override
  public BiGanModel copy(ParamMap extra) {
    return copyValues(new BiGanModel(uid(), network, getNumFeatures()), extra).setParent(parent());
  }

  public static MLReader<BiGanModel> read() { return NetworkPersistence.reader(BiGanModel.class, BiGanModel::new); }

  public static BiGanModel load(String path) { return read().load(path); }
}

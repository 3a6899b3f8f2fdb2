package io.vigil.vae;

import io.vigil.core.FeatureBatchScorer;
import io.vigil.dl4j.BatchScoring;
import io.vigil.dl4j.Nd4jArrays;
import io.vigil.dl4j.NetworkPersistence;
import io.vigil.dl4j.NeuralModel;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A fitted VAE; score = -log p(x | z) of the Gaussian reconstruction averaged over numSamples draws of z,
 * the same fixed, seeded draws for every row ({@link VaeScorer}), so a row's score depends on the row only.
 */
public class VaeModel extends NeuralModel<VaeModel> implements VaeParams {

  VaeModel(String uid, byte[] network, int width) {
    super(uid, network, width);
  }

  @Override
  protected Dataset<Row> score(Dataset<?> dataset) {
    return BatchScoring.appendScores(dataset, batchScorer(dataset.sparkSession()), getFeaturesCol(), getScoreCol(),
        getNumFeatures(), getExplainTopK(), getFeatureNames());
  }

  @Override
  public FeatureBatchScorer batchScorer(SparkSession spark) {
    return BatchScoring.batchScorer(spark, network, restorer(), SCORES);
  }

  /** Restored once per executor thread: the network's weights copied out into plain arrays (VaeScorer). */
  private BatchScoring.Restorer<VaeScorer> restorer() {
    int samples = getNumSamples();
    long seedValue = getSeed();
    return bytes -> new VaeScorer(Nd4jArrays.fromBytes(bytes), samples, seedValue);
  }

  private static final BatchScoring.ArrayScorer<VaeScorer> SCORES = (scorer, x, rows, width, scores, contributions) -> {
    if (contributions != null) { // the scorer adds each draw's share
      java.util.Arrays.fill(contributions, 0, rows * width, 0f);
    }
    System.arraycopy(scorer.scores(x, rows, contributions), 0, scores, 0, rows);
  };

  /** Each feature's -log p(x_j | z), averaged over the draws: the score split over the features. */
  @Override public boolean explains() { return true; }

  @Override
  public VaeModel copy(ParamMap extra) {
    return copyValues(new VaeModel(uid(), network, getNumFeatures()), extra).setParent(parent());
  }

  public static MLReader<VaeModel> read() { return NetworkPersistence.reader(VaeModel.class, VaeModel::new); }

  public static VaeModel load(String path) { return read().load(path); }
}

package io.vigil.vae;

import io.vigil.dl4j.BatchScoring;
import io.vigil.dl4j.Nd4jArrays;
import io.vigil.dl4j.NetworkPersistence;
import io.vigil.dl4j.NeuralModel;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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
    int samples = getNumSamples();
    long seedValue = getSeed();
    // Restored once per executor thread: the network's weights copied out into plain arrays (VaeScorer).
    return BatchScoring.appendScores(dataset, network,
        bytes -> new VaeScorer(Nd4jArrays.fromBytes(bytes), samples, seedValue), getFeaturesCol(), getScoreCol(),
        getNumFeatures(), (scorer, x, explain) -> {
          int rows = (int) x.rows();
          float[] contributions = explain ? new float[rows * scorer.width()] : null;
          return new BatchScoring.Scores(scorer.scores(x.data().asFloat(), rows, contributions), contributions);
        }, getExplainTopK(), getFeatureNames());
  }

  /** Each feature's -log p(x_j | z), averaged over the draws: the score split over the features. */
  @Override public boolean explains() { return true; }

  @Override
  public VaeModel copy(ParamMap extra) {
    return copyValues(new VaeModel(uid(), network, getNumFeatures()), extra).setParent(parent());
  }

  public static MLReader<VaeModel> read() { return NetworkPersistence.reader(VaeModel.class, VaeModel::new); }

  public static VaeModel load(String path) { return read().load(path); }
}

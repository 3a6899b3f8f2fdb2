package io.vigil.autoencoder;

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
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** A fitted autoencoder; score = mean squared reconstruction error of the row. */
public class AutoencoderModel extends NeuralModel<AutoencoderModel> implements AutoencoderParams {

  AutoencoderModel(String uid, byte[] network, int width) {
    super(uid, network, width);
  }

  @Override public boolean explains() { return true; }

  @Override
  protected Dataset<Row> score(Dataset<?> dataset) {
    return BatchScoring.appendScores(dataset, network, getFeaturesCol(), getScoreCol(), getNumFeatures(), SCORES,
        getExplainTopK(), getFeatureNames());
  }

  @Override
  public FeatureBatchScorer batchScorer(SparkSession spark) {
    return BatchScoring.batchScorer(spark, network, Nd4jArrays::fromBytes, SCORES);
  }

  private static final BatchScoring.BatchScorer<MultiLayerNetwork> SCORES =
      (net, x, explain) -> BatchScoring.reconstructionErrors(x, net.output(x, false), explain);

  @Override
  public AutoencoderModel copy(ParamMap extra) {
    return copyValues(new AutoencoderModel(uid(), network, getNumFeatures()), extra).setParent(parent());
  }

  public static MLReader<AutoencoderModel> read() { return NetworkPersistence.reader(AutoencoderModel.class, AutoencoderModel::new); }

  public static AutoencoderModel load(String path) { return read().load(path); }
}

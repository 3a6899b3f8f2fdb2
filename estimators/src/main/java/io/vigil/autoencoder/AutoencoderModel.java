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

/** A fitted autoencoder; score = mean squared reconstruction error of the row. */
public class AutoencoderModel extends NeuralModel<AutoencoderModel> implements AutoencoderParams {

  AutoencoderModel(String uid, byte[] network, int width) {
    super(uid, network, width);
  }

  @Override public boolean explains() { return true; }

  @Override
  protected Dataset<Row> score(Dataset<?> dataset) {
    return BatchScoring.appendScores(dataset, batchScorer(dataset.sparkSession()), getFeaturesCol(), getScoreCol(),
        getNumFeatures(), getExplainTopK(), getFeatureNames());
  }

  /** The network restored once per executor thread as {@link AutoencoderScorer}'s plain arrays. */
  @Override
  public FeatureBatchScorer batchScorer(SparkSession spark) {
    return BatchScoring.batchScorer(spark, network, bytes -> new AutoencoderScorer(Nd4jArrays.fromBytes(bytes)),
        (AutoencoderScorer scorer, double[] x, int rows, int width, double[] scores, float[] contributions)
            -> scorer.score(x, rows, scores, contributions));
  }

  @Override
  public AutoencoderModel copy(ParamMap extra) {
    return copyValues(new AutoencoderModel(uid(), network, getNumFeatures()), extra).setParent(parent());
  }

  public static MLReader<AutoencoderModel> read() { return NetworkPersistence.reader(AutoencoderModel.class, AutoencoderModel::new); }

  public static AutoencoderModel load(String path) { return read().load(path); }
}

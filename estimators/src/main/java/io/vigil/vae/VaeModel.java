package io.vigil.vae;

import io.vigil.dl4j.NeuralModel;
import io.vigil.dl4j.BatchScoring;
import io.vigil.dl4j.NetworkPersistence;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A fitted VAE; score = -log p(x) of the reconstruction, from numSamples seeded draws of z per row. */
public class VaeModel extends NeuralModel<VaeModel> implements VaeParams {

  private final Param<String> encoderLayers;
  private final IntParam latentSize;
  private final IntParam numSamples;

  VaeModel(String uid, byte[] network, int width) {
    super(uid, network);
    encoderLayers = VaeParams.encoderLayers(this);
    latentSize = VaeParams.latentSize(this);
    numSamples = VaeParams.numSamples(this);
    VaeParams.setVaeDefaults(this);
    set(numFeatures(), width);
  }

  @Override public Param<String> encoderLayers() { return encoderLayers; }
  @Override public IntParam latentSize() { return latentSize; }
  @Override public IntParam numSamples() { return numSamples; }

  @Override
  public String detectorName() {
    return VaeDetector.NAME;
  }

  @Override
  protected Dataset<Row> score(Dataset<?> dataset) {
    int samples = getNumSamples();
    long seedValue = getSeed();
    return BatchScoring.appendScores(dataset, network, getFeaturesCol(), getScoreCol(), getNumFeatures(),
        (net, x, explain) -> {
          // Seeded per batch: the same rows in the same partitions always get the same draws of z.
          org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(seedValue);
          org.deeplearning4j.nn.layers.variational.VariationalAutoencoder vae =
              (org.deeplearning4j.nn.layers.variational.VariationalAutoencoder) net.getLayer(0);
          INDArray logProbability = vae.reconstructionLogProbability(x, samples).castTo(DataType.FLOAT);
          return new BatchScoring.Scores(logProbability.neg().castTo(DataType.DOUBLE).toDoubleVector(), null);
        }, 0, new String[0]);
  }

  @Override
  public VaeModel copy(ParamMap extra) {
    return copyValues(new VaeModel(uid(), network, getNumFeatures()), extra).setParent(parent());
  }

  public static MLReader<VaeModel> read() {
    return NetworkPersistence.reader(VaeModel.class, VaeModel::new);
  }

  public static VaeModel load(String path) {
    return read().load(path);
  }
}

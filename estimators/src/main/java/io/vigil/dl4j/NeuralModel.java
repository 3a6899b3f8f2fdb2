package io.vigil.dl4j;

import io.vigil.core.AnomalyModel;
import org.apache.spark.ml.util.MLWriter;

/**
 * The model base every DL4J detector shares: the trained network as DL4J's zip, and persistence as metadata + that zip
 * ({@link NetworkPersistence}).
 */
public abstract class NeuralModel<M extends NeuralModel<M>> extends AnomalyModel<M> implements NeuralNetParams {

  /** DL4J's zip of the network (configuration + parameters). */
  protected final byte[] network;

  protected NeuralModel(String uid, byte[] network, int width) {
    super(uid);
    this.network = network;
    set(numFeatures(), width);
  }

  /** DL4J's zip of the trained network. */
  public byte[] networkBytes() {
    return network.clone();
  }

  @Override
  public MLWriter write() {
    return NetworkPersistence.writer(this, network);
  }
}

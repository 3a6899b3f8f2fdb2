package io.vigil.autoencoder;

import io.vigil.dl4j.NeuralNetParams;
import org.apache.spark.ml.param.Param;

/** Parameters of the autoencoder detector: the network shape, plus the shared DL4J training params. */
public interface AutoencoderParams extends NeuralNetParams {

  String NAME = "ae";

  /**
   * 25 minibatches a round: on deepad-8020 and kdd-honest the validation ROC AUC is the same as with 5 (or
   * higher) in fewer rounds (bench/results/neural-averaging.md).
   */
  @Override
  default int defaultAveragingFrequency() {
    return 25;
  }

  @Override
  default String detectorName() {
    return NAME;
  }

  default Param<String> hiddenLayers() {
    return defineParam("hiddenLayers", "", () -> new Param<>(uid(), "hiddenLayers", "hidden layer sizes between"
        + " input and output, comma separated (e.g. '15,7,2,7,15', the reference's for 18 features); empty ="
        + " derived from the width d: 0.8d, 0.4d, max(2, 0.1d), 0.4d, 0.8d (rounded up)",
        NeuralNetParams::isLayerList));
  }

  default String getHiddenLayers() { return getOrDefault(hiddenLayers()); }

  /** The hidden sizes for input width d. */
  static int[] hiddenSizes(String spec, int d) {
    if (!spec.isBlank()) {
      return NeuralNetParams.parseLayers(spec);
    }
    int h1 = (int) Math.ceil(0.8 * d);
    int h2 = (int) Math.ceil(0.4 * d);
    int code = Math.max(2, (int) Math.ceil(0.1 * d));
    return new int[] {h1, h2, code, h2, h1};
  }
}

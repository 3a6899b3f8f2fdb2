package io.vigil.vae;

import io.vigil.dl4j.NeuralNetParams;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;

/** Parameters of the variational autoencoder detector, plus the shared DL4J training params. */
public interface VaeParams extends NeuralNetParams {

  String NAME = "vae";

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

  default Param<String> encoderLayers() {
    return defineParam("encoderLayers", "", () -> new Param<>(uid(), "encoderLayers", "encoder hidden sizes, comma"
        + " separated; the decoder mirrors them; empty = derived from the width d: 0.8d, 0.4d (rounded up)",
        NeuralNetParams::isLayerList));
  }

  default IntParam latentSize() {
    return defineParam("latentSize", 0, () -> new IntParam(uid(), "latentSize", "size of the latent code z, >= 0;"
        + " 0 = max(2, 0.1d)", ParamValidators.gtEq(0)));
  }

  default IntParam numSamples() {
    return defineParam("numSamples", 4, () -> new IntParam(uid(), "numSamples", "samples of z per row when"
        + " estimating the reconstruction log-probability (the score), >= 1; drawn once from the seed and shared by"
        + " every row, so a row's score depends on the row alone", ParamValidators.gtEq(1)));
  }

  default String getEncoderLayers() { return getOrDefault(encoderLayers()); }
  default int getLatentSize() { return (Integer) getOrDefault(latentSize()); }
  default int getNumSamples() { return (Integer) getOrDefault(numSamples()); }

  static int[] encoderSizes(String spec, int d) {
    if (!spec.isBlank()) {
      return NeuralNetParams.parseLayers(spec);
    }
    return new int[] {(int) Math.ceil(0.8 * d), (int) Math.ceil(0.4 * d)};
  }

  static int latent(int spec, int d) {
    return spec > 0 ? spec : Math.max(2, (int) Math.ceil(0.1 * d));
  }
}

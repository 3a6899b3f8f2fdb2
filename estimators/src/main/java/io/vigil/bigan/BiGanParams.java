package io.vigil.bigan;

import java.util.Map;
import io.vigil.dl4j.NeuralNetParams;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamValidators;

/**
 * Parameters of the BiGAN: the latent and hidden widths, the score's mix {@code alpha} and the
 * cycle-consistency weight, plus the shared DL4J training params.
 */
public interface BiGanParams extends NeuralNetParams {

  String NAME = "bigan";

  @Override
  default String detectorName() {
    return NAME;
  }

  /**
   * Chosen on deepad-8020's validation rows (bench/results/bigan-validation-sweep.md): the plain BiGAN
   * objective (cycleWeight 0) at a low learning rate beat the cycle-consistent variants.
   */
  @Override
  default Map<String, Object> defaultOverrides() {
    return Map.of("activation", "leakyrelu", "learningRate", 0.0002, "batchSize", 128, "epochs", 5);
  }

  default IntParam latentSize() {
    return defineParam("latentSize", 16, () -> new IntParam(uid(), "latentSize", "width of the latent code z"
        + " (encoder output, generator input), >= 1", ParamValidators.gtEq(1)));
  }

  default IntParam hiddenSize() {
    return defineParam("hiddenSize", 64, () -> new IntParam(uid(), "hiddenSize", "units of each hidden layer of the"
        + " encoder, generator and discriminator, >= 1", ParamValidators.gtEq(1)));
  }

  default DoubleParam alpha() {
    return defineParam("alpha", 0.9, () -> new DoubleParam(uid(), "alpha", "score = alpha * |x - G(E(x))|_1 +"
        + " (1 - alpha) * the discriminator's feature-matching distance, in [0, 1]", ParamValidators.inRange(0, 1)));
  }

  default DoubleParam cycleWeight() {
    return defineParam("cycleWeight", 0.0, () -> new DoubleParam(uid(), "cycleWeight", "weight of |x - G(E(x))|_1"
        + " in the encoder+generator loss (ALICE's cycle consistency; 0 = the plain BiGAN objective), >= 0",
        ParamValidators.gtEq(0)));
  }

  default DoubleParam emaDecay() {
    return defineParam("emaDecay", 0.0, () -> new DoubleParam(uid(), "emaDecay", "the model keeps an exponential"
        + " moving average of the parameters over the averaging rounds with this decay per round (0 = the last"
        + " round's parameters), in [0, 1)", ParamValidators.inRange(0, 1, true, false)));
  }

  default int getLatentSize() { return (Integer) getOrDefault(latentSize()); }
  default int getHiddenSize() { return (Integer) getOrDefault(hiddenSize()); }
  default double getAlpha() { return (Double) getOrDefault(alpha()); }
  default double getCycleWeight() { return (Double) getOrDefault(cycleWeight()); }
  default double getEmaDecay() { return (Double) getOrDefault(emaDecay()); }
}

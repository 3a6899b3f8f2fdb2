package io.vigil.bigan;

import io.vigil.dl4j.NeuralNetParams;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;

/**
 * Parameters of the BiGAN: the latent and hidden widths, the score's mix {@code alpha} and the
 * cycle-consistency weight, plus the shared DL4J training params.
 */
public interface BiGanParams extends NeuralNetParams {

  IntParam latentSize();

  IntParam hiddenSize();

  DoubleParam alpha();

  DoubleParam cycleWeight();

  DoubleParam emaDecay();

  default int getLatentSize() { return (Integer) getOrDefault(latentSize()); }
  default int getHiddenSize() { return (Integer) getOrDefault(hiddenSize()); }
  default double getAlpha() { return (Double) getOrDefault(alpha()); }
  default double getCycleWeight() { return (Double) getOrDefault(cycleWeight()); }
  default double getEmaDecay() { return (Double) getOrDefault(emaDecay()); }

  static IntParam latentSize(Identifiable p) {
    return new IntParam(p.uid(), "latentSize", "width of the latent code z (encoder output, generator input), >= 1",
        ParamValidators.gtEq(1));
  }

  static IntParam hiddenSize(Identifiable p) {
    return new IntParam(p.uid(), "hiddenSize", "units of each hidden layer of the encoder, generator and"
        + " discriminator, >= 1", ParamValidators.gtEq(1));
  }

  static DoubleParam alpha(Identifiable p) {
    return new DoubleParam(p.uid(), "alpha", "score = alpha * |x - G(E(x))|_1 + (1 - alpha) * the discriminator's"
        + " feature-matching distance, in [0, 1]", ParamValidators.inRange(0, 1));
  }

  static DoubleParam cycleWeight(Identifiable p) {
    return new DoubleParam(p.uid(), "cycleWeight", "weight of |x - G(E(x))|_1 in the encoder+generator loss"
        + " (ALICE's cycle consistency; 0 = the plain BiGAN objective), >= 0", ParamValidators.gtEq(0));
  }

  static DoubleParam emaDecay(Identifiable p) {
    return new DoubleParam(p.uid(), "emaDecay", "the model keeps an exponential moving average of the parameters"
        + " over the averaging rounds with this decay per round (0 = the last round's parameters), in [0, 1)",
        ParamValidators.inRange(0, 1, true, false));
  }

  /**
   * Chosen on deepad-8020's validation rows (bench/results/bigan-validation-sweep.md): the plain BiGAN
   * objective (cycleWeight 0) at a low learning rate beat the cycle-consistent variants.
   */
  static void setBiGanDefaults(BiGanParams p) {
    p.setDefault(p.latentSize(), 16);
    p.setDefault(p.hiddenSize(), 64);
    p.setDefault(p.alpha(), 0.9);
    p.setDefault(p.cycleWeight(), 0.0);
    p.setDefault(p.emaDecay(), 0.0);
    p.setDefault(p.activation(), "leakyrelu");
    p.setDefault(p.learningRate(), 0.0002);
    p.setDefault(p.batchSize(), 128);
    p.setDefault(p.epochs(), 5);
  }
}

package io.vigil.dl4j;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;

/**
 * DL4J's activations as loops over float arrays, for the plain-Java forward passes (the VAE's, the sequence
 * model's) that replace DL4J's where its per-op cost dominates small layers.
 */
public enum JavaActivation {
  TANH, RELU, SIGMOID, LEAKYRELU, ELU, IDENTITY;

  /** The one for a layer's DL4J activation; an error naming it when it has none here. */
  public static JavaActivation of(IActivation a) {
    if (a instanceof ActivationTanH) {
      return TANH;
    } else if (a instanceof ActivationReLU) {
      return RELU;
    } else if (a instanceof ActivationSigmoid) {
      return SIGMOID;
    } else if (a instanceof ActivationLReLU) {
      return LEAKYRELU;
    } else if (a instanceof ActivationELU) {
      return ELU;
    } else if (a instanceof ActivationIdentity) {
      return IDENTITY;
    }
    throw new IllegalStateException("Plain-Java scoring supports tanh, relu, sigmoid, leakyrelu, elu and identity"
        + " activations, not " + a);
  }

  /** True when {@code a} is one of these. */
  public static boolean supports(IActivation a) {
    return a instanceof ActivationTanH || a instanceof ActivationReLU || a instanceof ActivationSigmoid
        || a instanceof ActivationLReLU || a instanceof ActivationELU || a instanceof ActivationIdentity;
  }

  /** v[from .. to) = act(v[from .. to)). */
  public void applyInPlace(float[] v, int from, int to) {
    switch (this) {
      // tanh through exp: Math.tanh is not a JIT intrinsic (45 ns a call here, against 7 ns for this), and a
      // VAE row takes over a hundred; exact to double precision, and saturates to ±1 where exp overflows
      case TANH -> { for (int i = from; i < to; i++) { v[i] = (float) (1.0 - 2.0 / (Math.exp(2.0 * v[i]) + 1.0)); } }
      case RELU -> { for (int i = from; i < to; i++) { v[i] = Math.max(v[i], 0f); } }
      case SIGMOID -> { for (int i = from; i < to; i++) { v[i] = (float) (1.0 / (1.0 + Math.exp(-v[i]))); } }
      // DL4J's defaults: leaky slope 0.01, ELU alpha 1
      case LEAKYRELU -> { for (int i = from; i < to; i++) { v[i] = v[i] >= 0f ? v[i] : 0.01f * v[i]; } }
      case ELU -> { for (int i = from; i < to; i++) { v[i] = v[i] >= 0f ? v[i] : (float) Math.expm1(v[i]); } }
      case IDENTITY -> { }
    }
  }
}

package io.vigil.dl4j;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;

/**
 * DL4J's activations as loops over float arrays, for the plain-Java forward passes (the autoencoder's, the VAE's,
 * the BiGAN's, the sequence model's) and the sequence model's training, which replace DL4J's where its per-op cost
 * dominates small layers.
 */
public enum JavaActivation implements DenseChunk.Activation {
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
  @Override
  public void applyInPlace(float[] v, int from, int to) {
    switch (this) {
      case TANH -> { for (int i = from; i < to; i++) { v[i] = tanh(v[i]); } }
      case RELU -> { for (int i = from; i < to; i++) { v[i] = Math.max(v[i], 0f); } }
      case SIGMOID -> { for (int i = from; i < to; i++) { v[i] = 0.5f + 0.5f * tanh(0.5f * v[i]); } }
      // DL4J's defaults: leaky slope 0.01, ELU alpha 1
      case LEAKYRELU -> leakyRelu(v, from, to, 0.01f);
      case ELU -> { for (int i = from; i < to; i++) { v[i] = v[i] >= 0f ? v[i] : (float) Math.expm1(v[i]); } }
      case IDENTITY -> { }
    }
  }

  /** v[from .. to) = leaky ReLU of slope {@code slope} below 0 (DL4J's layers use 0.01, the BiGAN's graph 0.2). */
  public static void leakyRelu(float[] v, int from, int to, float slope) {
    for (int i = from; i < to; i++) {
      v[i] = v[i] >= 0f ? v[i] : slope * v[i];
    }
  }

  /**
   * tanh in float as a rational function of x (Eigen's and TensorFlow's float tanh: odd degree 13 over even degree
   * 6, the input clamped to +-7.9988, where tanh rounds to +-1 in float), within 4e-7 of tanh everywhere, and
   * sigmoid(x) = (1 + tanh(x / 2)) / 2 within 3e-7. Why not Math.exp: it is a call per value, about 5 ns, and a
   * network's row takes thousands; multiplications, additions, a division and min/max are what the JIT turns into
   * vector instructions, so a loop of these runs over 16 floats at once.
   */
  static float tanh(float value) {
    float x = Math.max(-7.99881172180175781f, Math.min(7.99881172180175781f, value));
    float x2 = x * x;
    float p = -2.76076847742355e-16f;
    p = p * x2 + 2.00018790482477e-13f;
    p = p * x2 - 8.60467152213735e-11f;
    p = p * x2 + 5.12229709037114e-08f;
    p = p * x2 + 1.48572235717979e-05f;
    p = p * x2 + 6.37261928875436e-04f;
    p = p * x2 + 4.89352455891786e-03f;
    float q = 1.19825839466702e-06f;
    q = q * x2 + 1.18534705686654e-04f;
    q = q * x2 + 2.26843463243900e-03f;
    q = q * x2 + 4.89352518554385e-03f;
    return p * x / q;
  }
}

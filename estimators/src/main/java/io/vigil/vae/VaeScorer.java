package io.vigil.vae;

import io.vigil.dl4j.JavaActivation;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.layers.variational.GaussianReconstructionDistribution;
import org.deeplearning4j.nn.layers.variational.VariationalAutoencoder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationIdentity;

/**
 * The VAE's score, -log p(x) of the Gaussian reconstruction averaged over {@code numSamples} draws of z,
 * computed in plain Java from the trained DL4J layer's parameters.
 *
 * <p>Why not DL4J's {@code reconstructionLogProbability}: on this network (a few hundred weights per
 * layer) ND4J's per-op cost dominates: one batch is some fifty native calls per sample. The same
 * arithmetic as loops over float arrays is several times faster (bench/results has the figures).
 *
 * <p>The draws of epsilon (z = mean + sigma * epsilon) are fixed: {@code numSamples} vectors drawn once
 * from the seed and shared by every row (common random numbers). A row's score is then a function of
 * the row alone, the same in any partition, batch or run, and two rows are compared on the same draws,
 * which removes the sampling noise from their ranking. (DL4J drew per batch, so a row's score depended
 * on which rows shared its batch.)
 *
 * <p>Immutable once built; safe to share between threads.
 */
final class VaeScorer {

  /** A dense layer: out = act(in · weights + bias), weights [in][out], one array per input. */
  private record Dense(float[][] weights, float[] bias, int in, int out) {
    static Dense of(VariationalAutoencoder vae, String weightKey, String biasKey) {
      float[][] w = vae.getParam(weightKey).toFloatMatrix();
      return new Dense(w, vae.getParam(biasKey).toFloatVector(), w.length, w[0].length);
    }

    /**
     * out[0..this.out) = in · W + b. The inner loop runs over an input's weights, an array of their own (with an
     * offset into one shared array the JIT does not vectorise the loop).
     */
    void apply(float[] input, float[] output) {
      System.arraycopy(bias, 0, output, 0, out);
      for (int i = 0; i < in; i++) {
        float xi = input[i];
        float[] wi = weights[i];
        for (int o = 0; o < out; o++) {
          output[o] += xi * wi[o];
        }
      }
    }
  }

  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

  private final Dense[] encoder;
  private final Dense latentMean;
  private final Dense latentLogVariance;
  private final Dense[] decoder;
  private final Dense reconstruction;
  private final JavaActivation activation;
  private final int width;
  private final int latent;
  private final int widest;
  /** epsilon[s * latent + k]: the s-th fixed draw. */
  private final float[] epsilon;
  private final int samples;

  VaeScorer(MultiLayerNetwork net, int samples, long seed) {
    VariationalAutoencoder vae = (VariationalAutoencoder) net.getLayer(0);
    org.deeplearning4j.nn.conf.layers.variational.VariationalAutoencoder conf =
        (org.deeplearning4j.nn.conf.layers.variational.VariationalAutoencoder) vae.conf().getLayer();
    if (!(conf.getPzxActivationFn() instanceof ActivationIdentity)
        || !(conf.getOutputDistribution() instanceof GaussianReconstructionDistribution gaussian)
        || !(gaussian.getActivationFn() instanceof ActivationIdentity)) {
      throw new IllegalStateException("VAE scoring expects VaeDetector's layer (identity p(z|x), Gaussian p(x|z)"
          + " with identity activation); got " + conf.getOutputDistribution());
    }
    activation = JavaActivation.of(conf.getActivationFn());
    encoder = new Dense[conf.getEncoderLayerSizes().length];
    for (int i = 0; i < encoder.length; i++) {
      encoder[i] = Dense.of(vae, "e" + i + "W", "e" + i + "b");
    }
    latentMean = Dense.of(vae, "pZXMeanW", "pZXMeanb");
    latentLogVariance = Dense.of(vae, "pZXLogStd2W", "pZXLogStd2b");
    decoder = new Dense[conf.getDecoderLayerSizes().length];
    for (int i = 0; i < decoder.length; i++) {
      decoder[i] = Dense.of(vae, "d" + i + "W", "d" + i + "b");
    }
    reconstruction = Dense.of(vae, "pXZW", "pXZb");
    width = (int) conf.getNIn();
    latent = latentMean.out();
    int w = Math.max(width, reconstruction.out());
    for (Dense d : encoder) {
      w = Math.max(w, d.out());
    }
    for (Dense d : decoder) {
      w = Math.max(w, d.out());
    }
    widest = w;
    this.samples = samples;
    epsilon = new float[samples * latent];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < epsilon.length; i++) {
      epsilon[i] = (float) random.nextGaussian();
    }
  }

  int width() {
    return width;
  }

  /** Scores {@code rows} rows of row-major {@code x}: the mean over the fixed draws of -log p(x | z). */
  double[] scores(float[] x, int rows) {
    return scores(x, rows, null);
  }

  /**
   * As {@link #scores(float[], int)}; when {@code contributions} is given ([rows * width], row-major) it also
   * receives each feature's share, the mean over the draws of -log p(x_j | z) (they sum to the score).
   */
  double[] scores(float[] x, int rows, float[] contributions) {
    double[] out = new double[rows];
    float[] a = new float[widest];
    float[] b = new float[widest];
    float[] mean = new float[latent];
    float[] sigma = new float[latent];
    float[] row = new float[width];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(x, r * width, row, 0, width);
      encode(row, a, b, mean, sigma);
      double sum = 0;
      for (int s = 0; s < samples; s++) {
        for (int k = 0; k < latent; k++) {
          a[k] = mean[k] + sigma[k] * epsilon[s * latent + k];
        }
        float[] preOut = decode(a, b);
        sum += negLogProbability(row, preOut);
        if (contributions != null) {
          for (int j = 0; j < width; j++) {
            contributions[r * width + j] += (float) (featureNegLogProbability(row, preOut, j) / samples);
          }
        }
      }
      out[r] = sum / samples;
    }
    return out;
  }

  /** The mean and standard deviation of q(z | x) for one row; a and b are scratch. */
  void encode(float[] row, float[] a, float[] b, float[] mean, float[] sigma) {
    float[] hidden = hiddenLayers(encoder, row, a, b);
    latentMean.apply(hidden, mean);
    latentLogVariance.apply(hidden, sigma);
    for (int k = 0; k < latent; k++) {
      sigma[k] = (float) Math.exp(0.5 * sigma[k]); // sqrt(exp(log variance))
    }
  }

  /**
   * The decoder's output for z (held in {@code z}, which is overwritten: it and {@code other} are the
   * scratch pair): the Gaussian's means in [0, width), its log-variances in [width, 2 width).
   */
  float[] decode(float[] z, float[] other) {
    float[] hidden = hiddenLayers(decoder, z, z, other);
    float[] out = hidden == z ? other : z;
    reconstruction.apply(hidden, out);
    return out;
  }

  /** {@code layers}, each followed by the activation, from {@code in}, alternating between a and b; returns the output's array. */
  private float[] hiddenLayers(Dense[] layers, float[] in, float[] a, float[] b) {
    float[] current = in;
    for (Dense layer : layers) {
      float[] next = current == a ? b : a;
      layer.apply(current, next);
      activation.applyInPlace(next, 0, layer.out());
      current = next;
    }
    return current;
  }

  /** -log N(x; mean, exp(logVariance)) summed over the features, as DL4J's Gaussian distribution computes it. */
  double negLogProbability(float[] row, float[] preOut) {
    double sum = 0;
    for (int j = 0; j < width; j++) {
      sum += featureNegLogProbability(row, preOut, j);
    }
    return sum;
  }

  private double featureNegLogProbability(float[] row, float[] preOut, int j) {
    double logVariance = preOut[width + j];
    double diff = row[j] - preOut[j];
    return HALF_LOG_TWO_PI + 0.5 * logVariance + diff * diff * 0.5 * Math.exp(-logVariance);
  }
}

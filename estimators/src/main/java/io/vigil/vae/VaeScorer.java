package io.vigil.vae;

import io.vigil.dl4j.DenseChunk;
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

  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

  private final DenseChunk[] encoder;
  private final DenseChunk latentMean;
  private final DenseChunk latentLogVariance;
  private final DenseChunk[] decoder;
  private final DenseChunk reconstruction;
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
    encoder = new DenseChunk[conf.getEncoderLayerSizes().length];
    for (int i = 0; i < encoder.length; i++) {
      encoder[i] = layer(vae, "e" + i);
    }
    latentMean = layer(vae, "pZXMean");
    latentLogVariance = layer(vae, "pZXLogStd2");
    decoder = new DenseChunk[conf.getDecoderLayerSizes().length];
    for (int i = 0; i < decoder.length; i++) {
      decoder[i] = layer(vae, "d" + i);
    }
    reconstruction = layer(vae, "pXZ");
    width = (int) conf.getNIn();
    latent = latentMean.out();
    int w = Math.max(width, reconstruction.out());
    for (DenseChunk d : encoder) {
      w = Math.max(w, d.out());
    }
    for (DenseChunk d : decoder) {
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

  private static DenseChunk layer(VariationalAutoencoder vae, String name) {
    return DenseChunk.of(vae.getParam(name + "W"), vae.getParam(name + "b"));
  }

  int width() {
    return width;
  }

  /** Scores {@code rows} rows of row-major {@code x}: the mean over the fixed draws of -log p(x | z). */
  double[] scores(float[] x, int rows) {
    return scores(rows, (from, n, into) -> DenseChunk.gather(x, width, from, n, into), null);
  }

  /**
   * As {@link #scores(float[], int)}, from the batch's rows as the scoring pass reads them; when
   * {@code contributions} is given ([rows * width], row-major) it also receives each feature's share, the mean over
   * the draws of -log p(x_j | z) (they sum to the score).
   */
  double[] scores(double[] x, int rows, float[] contributions) {
    return scores(rows, (from, n, into) -> DenseChunk.gather(x, width, from, n, into), contributions);
  }

  /** Copies rows [from, from + n) of the batch into a chunk's feature arrays. */
  @FunctionalInterface
  private interface Rows {
    void gather(int from, int n, float[][] into);
  }

  private double[] scores(int rows, Rows x, float[] contributions) {
    double[] out = new double[rows];
    Chunk c = new Chunk(Math.min(rows, DenseChunk.CHUNK_ROWS));
    for (int from = 0; from < rows; from += DenseChunk.CHUNK_ROWS) {
      int n = Math.min(DenseChunk.CHUNK_ROWS, rows - from);
      x.gather(from, n, c.x);
      encode(c, n);
      java.util.Arrays.fill(c.sum, 0, n, 0.0);
      for (int s = 0; s < samples; s++) {
        for (int k = 0; k < latent; k++) {
          float e = epsilon[s * latent + k];
          float[] z = c.a[k];
          float[] mean = c.mean[k];
          float[] sigma = c.sigma[k];
          for (int r = 0; r < n; r++) {
            z[r] = mean[r] + sigma[r] * e;
          }
        }
        float[][] preOut = decode(c.a, c.b, n);
        java.util.Arrays.fill(c.draw, 0, n, 0.0);
        for (int j = 0; j < width; j++) {
          float[] feature = c.x[j];
          float[] mean = preOut[j];
          float[] logVariance = preOut[width + j];
          for (int r = 0; r < n; r++) {
            double term = featureNegLogProbability(feature[r], mean[r], logVariance[r]);
            c.draw[r] += term;
            if (contributions != null) {
              contributions[(from + r) * width + j] += (float) (term / samples);
            }
          }
        }
        for (int r = 0; r < n; r++) {
          c.sum[r] += c.draw[r];
        }
      }
      for (int r = 0; r < n; r++) {
        out[from + r] = c.sum[r] / samples;
      }
    }
    return out;
  }

  /** A chunk's working arrays. */
  private final class Chunk {
    final float[][] x;
    final float[][] a;
    final float[][] b;
    final float[][] mean;
    final float[][] sigma;
    final double[] draw; // -log p(x | z) of one draw
    final double[] sum; // over the draws so far

    Chunk(int rows) {
      x = new float[width][rows];
      a = new float[widest][rows];
      b = new float[widest][rows];
      mean = new float[latent][rows];
      sigma = new float[latent][rows];
      draw = new double[rows];
      sum = new double[rows];
    }
  }

  /** The mean and standard deviation of q(z | x) for the chunk's rows of {@code c.x}; a and b are scratch. */
  private void encode(Chunk c, int rows) {
    float[][] hidden = hiddenLayers(encoder, c.x, c.a, c.b, rows);
    latentMean.apply(hidden, c.mean, rows);
    latentLogVariance.apply(hidden, c.sigma, rows);
    for (float[] sigma : c.sigma) {
      for (int r = 0; r < rows; r++) {
        sigma[r] = (float) Math.exp(0.5 * sigma[r]); // sqrt(exp(log variance))
      }
    }
  }

  /**
   * The decoder's output for z (held in {@code z}, which is overwritten: it and {@code other} are the scratch pair):
   * the Gaussian's means in units [0, width), its log-variances in [width, 2 width).
   */
  private float[][] decode(float[][] z, float[][] other, int rows) {
    float[][] hidden = hiddenLayers(decoder, z, z, other, rows);
    float[][] out = hidden == z ? other : z;
    reconstruction.apply(hidden, out, rows);
    return out;
  }

  /** {@code layers}, each followed by the activation, from {@code in}, alternating between a and b; returns the output. */
  private float[][] hiddenLayers(DenseChunk[] layers, float[][] in, float[][] a, float[][] b, int rows) {
    float[][] current = in;
    for (DenseChunk layer : layers) {
      float[][] next = current == a ? b : a;
      layer.apply(current, next, rows, activation);
      current = next;
    }
    return current;
  }

  /** One row's q(z | x), through the chunk code: its mean and standard deviation. */
  void encode(float[] row, float[] mean, float[] sigma) {
    Chunk c = new Chunk(1);
    for (int j = 0; j < width; j++) {
      c.x[j][0] = row[j];
    }
    encode(c, 1);
    for (int k = 0; k < latent; k++) {
      mean[k] = c.mean[k][0];
      sigma[k] = c.sigma[k][0];
    }
  }

  /** One row's decoder output for z, through the chunk code: the means, then the log-variances. */
  float[] decode(float[] z) {
    Chunk c = new Chunk(1);
    for (int k = 0; k < latent; k++) {
      c.a[k][0] = z[k];
    }
    float[][] out = decode(c.a, c.b, 1);
    float[] preOut = new float[2 * width];
    for (int j = 0; j < preOut.length; j++) {
      preOut[j] = out[j][0];
    }
    return preOut;
  }

  /** -log N(x; mean, exp(logVariance)) summed over the features, as DL4J's Gaussian distribution computes it. */
  double negLogProbability(float[] row, float[] preOut) {
    double sum = 0;
    for (int j = 0; j < width; j++) {
      sum += featureNegLogProbability(row[j], preOut[j], preOut[width + j]);
    }
    return sum;
  }

  private static double featureNegLogProbability(float x, float mean, float logVarianceValue) {
    double logVariance = logVarianceValue;
    double diff = x - mean;
    return HALF_LOG_TWO_PI + 0.5 * logVariance + diff * diff * 0.5 * Math.exp(-logVariance);
  }
}

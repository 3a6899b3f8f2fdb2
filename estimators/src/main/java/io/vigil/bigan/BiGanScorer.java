package io.vigil.bigan;

import io.vigil.dl4j.DenseChunk;
import io.vigil.dl4j.JavaActivation;

/**
 * The BiGAN's score in plain Java from its trained parameters ({@link DenseChunk}): {@code alpha * |x - G(E(x))|_1
 * + (1 - alpha) * |f(x, E(x)) - f(G(E(x)), E(x))|_1}, f the discriminator's last hidden layer (computed only when
 * {@code alpha} < 1); a feature's contribution is its {@code alpha * |x_j - G(E(x))_j|}. The same arithmetic as
 * {@link BiGanNetwork}'s SameDiff graph, which the tests check it against.
 *
 * <p>Why not SameDiff: a batch's graph execution, its copies into and out of native memory and its element-wise ops
 * cost more than the products of these small layers. Immutable once built; safe to share between threads.
 */
final class BiGanScorer {

  private static final float LEAK = 0.2f; // the graph's leaky ReLU slope

  private final DenseChunk e0;
  private final DenseChunk e1;
  private final DenseChunk g0;
  private final DenseChunk g1;
  private final DenseChunk g2;
  /** The discriminator's hidden layers, null without the matching term. */
  private final DenseChunk d0;
  private final DenseChunk d1;
  /** The hidden layers' activation (the graph's leaky ReLU has its own slope, not DL4J layers'). */
  private final DenseChunk.Activation activation;
  private final int width;
  private final int latent;
  private final int hidden;

  BiGanScorer(BiGanNetwork network, float[] params, boolean matching) {
    e0 = network.layer(params, "e0");
    e1 = network.layer(params, "e1");
    g0 = network.layer(params, "g0");
    g1 = network.layer(params, "g1");
    g2 = network.layer(params, "g2");
    d0 = matching ? network.layer(params, "d0") : null;
    d1 = matching ? network.layer(params, "d1") : null;
    String name = network.spec().activation();
    activation = name.equals("leakyrelu") ? (v, from, to) -> JavaActivation.leakyRelu(v, from, to, LEAK)
        : JavaActivation.valueOf(name.toUpperCase(java.util.Locale.ROOT));
    width = network.spec().width();
    latent = network.spec().latent();
    hidden = network.spec().hidden();
  }

  int width() {
    return width;
  }

  /** A chunk's working arrays, [unit][row]. */
  private final class Chunk {
    final float[][] x;
    final float[][] z;
    final float[][] reconstructed;
    final float[][] a;
    final float[][] b;
    final float[][] f; // the matching term's second features
    final float[][] joint; // D's input: x or the reconstruction, then z (the arrays themselves, not copies)

    Chunk(int rows) {
      x = new float[width][rows];
      z = new float[latent][rows];
      reconstructed = new float[width][rows];
      a = new float[hidden][rows];
      b = new float[hidden][rows];
      f = d0 != null ? new float[hidden][rows] : null;
      joint = new float[width + latent][];
    }
  }

  /**
   * Scores {@code rows} rows of row-major {@code x} at {@code alpha}; with {@code contributions} ([rows * width],
   * row-major) also each feature's share of the reconstruction term.
   */
  void score(double[] x, int rows, double alpha, double[] scores, float[] contributions) {
    Chunk c = new Chunk(Math.min(rows, DenseChunk.CHUNK_ROWS));
    float weight = (float) alpha;
    double[] sum = new double[c.x[0].length];
    for (int from = 0; from < rows; from += DenseChunk.CHUNK_ROWS) {
      int n = Math.min(DenseChunk.CHUNK_ROWS, rows - from);
      DenseChunk.gather(x, width, from, n, c.x);
      e0.apply(c.x, c.a, n, activation);
      e1.apply(c.a, c.z, n);
      g0.apply(c.z, c.a, n, activation);
      g1.apply(c.a, c.b, n, activation);
      g2.apply(c.b, c.reconstructed, n);
      java.util.Arrays.fill(sum, 0, n, 0.0);
      for (int j = 0; j < width; j++) {
        float[] original = c.x[j];
        float[] reconstructed = c.reconstructed[j];
        for (int r = 0; r < n; r++) {
          sum[r] += Math.abs(original[r] - reconstructed[r]) * weight;
        }
      }
      if (contributions != null) { // row-major, as the explanations read them
        for (int r = 0; r < n; r++) {
          for (int j = 0; j < width; j++) {
            contributions[(from + r) * width + j] = Math.abs(c.x[j][r] - c.reconstructed[j][r]) * weight;
          }
        }
      }
      if (d0 != null) { // f(x, z) into b, f(G(E(x)), z) into f, then |f(x, z) - f(G(E(x)), z)|_1
        features(c, c.x, c.b, n);
        features(c, c.reconstructed, c.f, n);
        double mix = 1 - alpha;
        for (int k = 0; k < hidden; k++) {
          float[] real = c.b[k];
          float[] fake = c.f[k];
          for (int r = 0; r < n; r++) {
            sum[r] += mix * Math.abs(real[r] - fake[r]);
          }
        }
      }
      System.arraycopy(sum, 0, scores, from, n);
    }
  }

  /** The discriminator's last hidden layer for (input, the chunk's z) into {@code out}; a is scratch. */
  private void features(Chunk c, float[][] input, float[][] out, int n) {
    System.arraycopy(input, 0, c.joint, 0, width);
    System.arraycopy(c.z, 0, c.joint, width, latent);
    d0.apply(c.joint, c.a, n, activation);
    d1.apply(c.a, out, n, activation);
  }
}

package io.vigil.autoencoder;

import io.vigil.dl4j.DenseChunk;
import io.vigil.dl4j.JavaActivation;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The autoencoder's forward pass in plain Java from the trained DL4J network's parameters ({@link DenseChunk}): a
 * row's score is its mean squared reconstruction error, a feature's contribution its squared error.
 *
 * <p>Why not DL4J's {@code output}: on this network (a few hundred weights) a batch's ND4J calls and its copies into
 * and out of native memory cost more than the arithmetic. Immutable once built; safe to share between threads.
 */
final class AutoencoderScorer {

  private final DenseChunk[] layers;
  private final JavaActivation[] activations;
  private final int width;
  private final int widest;

  AutoencoderScorer(MultiLayerNetwork net) {
    int n = net.getnLayers();
    layers = new DenseChunk[n];
    activations = new JavaActivation[n];
    int w = 0;
    for (int i = 0; i < n; i++) {
      layers[i] = DenseChunk.of(net.getLayer(i).getParam("W"), net.getLayer(i).getParam("b"));
      activations[i] = JavaActivation.of(((BaseLayer) net.getLayer(i).conf().getLayer()).getActivationFn());
      w = Math.max(w, Math.max(layers[i].in(), layers[i].out()));
    }
    width = layers[0].in();
    widest = w;
    if (layers[n - 1].out() != width) {
      throw new IllegalStateException(String.format("An autoencoder reconstructs its input: %d features in, %d out.",
          width, layers[n - 1].out()));
    }
  }

  int width() {
    return width;
  }

  /**
   * Scores {@code rows} rows of row-major {@code x}; with {@code contributions} ([rows * width], row-major) also each
   * feature's squared error. The errors are FLOAT, as DL4J's; their mean over the features is summed in double.
   */
  void score(double[] x, int rows, double[] scores, float[] contributions) {
    int chunk = Math.min(rows, DenseChunk.CHUNK_ROWS);
    float[][] input = new float[width][chunk];
    float[][] a = new float[widest][chunk];
    float[][] b = new float[widest][chunk];
    double[] sum = new double[chunk];
    for (int from = 0; from < rows; from += DenseChunk.CHUNK_ROWS) {
      int n = Math.min(DenseChunk.CHUNK_ROWS, rows - from);
      DenseChunk.gather(x, width, from, n, input);
      float[][] current = input;
      for (int l = 0; l < layers.length; l++) {
        float[][] next = current == a ? b : a;
        layers[l].apply(current, next, n, activations[l]);
        current = next;
      }
      java.util.Arrays.fill(sum, 0, n, 0.0);
      for (int j = 0; j < width; j++) {
        float[] original = input[j];
        float[] reconstructed = current[j];
        for (int r = 0; r < n; r++) {
          float diff = reconstructed[r] - original[r];
          sum[r] += diff * diff;
        }
      }
      if (contributions != null) { // row-major, as the explanations read them
        for (int r = 0; r < n; r++) {
          for (int j = 0; j < width; j++) {
            float diff = current[j][r] - input[j][r];
            contributions[(from + r) * width + j] = diff * diff;
          }
        }
      }
      for (int r = 0; r < n; r++) {
        scores[from + r] = sum[r] / width;
      }
    }
  }
}

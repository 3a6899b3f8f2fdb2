package io.vigil.dl4j;

import java.io.Serializable;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trained dense layer, {@code out = in · W + b}, evaluated in plain Java on a chunk of rows held unit by unit: a
 * layer's input and output are {@code float[unit][row]}, each unit's values for the chunk's rows an array of their
 * own. The plain-Java forward passes (the autoencoder's, the VAE's, the BiGAN's) share it.
 *
 * <p>Why this layout: the inner loop runs over the rows of one unit, contiguous and independent, which the JIT turns
 * into vector instructions; a loop over an offset into one shared array ({@code w[base + k]}) it leaves scalar, seven
 * times slower here. Why not ND4J: on layers of a few hundred weights its per-op cost is most of a batch's time, and
 * a batch needs copies into and out of native memory.
 */
public final class DenseChunk implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Rows evaluated together: a unit's values for them fit in the L1 cache with the layer's next input. */
  public static final int CHUNK_ROWS = 256;

  /** weights[i][o]: input i's weight into unit o. */
  private final float[][] weights;
  private final float[] bias;

  private DenseChunk(float[][] weights, float[] bias) {
    this.weights = weights;
    this.bias = bias;
  }

  /** From DL4J's parameter arrays: {@code w} [in, out], {@code b} [out] or [1, out]. */
  public static DenseChunk of(INDArray w, INDArray b) {
    return new DenseChunk(w.toFloatMatrix(), b.toFloatVector());
  }

  /** From a flat parameter vector: W [in, out] row-major at {@code offset}, then b [out]. */
  public static DenseChunk of(float[] flat, int offset, int in, int out) {
    float[][] w = new float[in][];
    for (int i = 0; i < in; i++) {
      w[i] = Arrays.copyOfRange(flat, offset + i * out, offset + (i + 1) * out);
    }
    return new DenseChunk(w, Arrays.copyOfRange(flat, offset + in * out, offset + in * out + out));
  }

  public int in() {
    return weights.length;
  }

  public int out() {
    return bias.length;
  }

  /**
   * output[o][r] = the sum of b[o] and input[i][r] W[i][o] over the inputs i in order, for the chunk's first
   * {@code rows} rows ({@code output} must not be {@code input}).
   */
  public void apply(float[][] input, float[][] output, int rows) {
    int in = weights.length;
    for (int o = 0; o < bias.length; o++) {
      float[] unit = output[o];
      Arrays.fill(unit, 0, rows, bias[o]);
      for (int i = 0; i < in; i++) {
        float w = weights[i][o];
        float[] xi = input[i];
        for (int r = 0; r < rows; r++) {
          unit[r] += xi[r] * w;
        }
      }
    }
  }

  /** An activation applied in place to {@code v[from .. to)} ({@link JavaActivation}'s, or a layer's own). */
  @FunctionalInterface
  public interface Activation extends Serializable {
    void applyInPlace(float[] v, int from, int to);
  }

  /** As {@link #apply}, then {@code activation} on each output unit. */
  public void apply(float[][] input, float[][] output, int rows, Activation activation) {
    apply(input, output, rows);
    for (int o = 0; o < bias.length; o++) {
      activation.applyInPlace(output[o], 0, rows);
    }
  }

  /** Rows [from, from + rows) of row-major {@code x} ({@code width} values a row), feature j into {@code into[j]}. */
  public static void gather(double[] x, int width, int from, int rows, float[][] into) {
    for (int j = 0; j < width; j++) {
      float[] feature = into[j];
      for (int r = 0; r < rows; r++) {
        feature[r] = (float) x[(from + r) * width + j];
      }
    }
  }

  /** As above, from FLOAT rows. */
  public static void gather(float[] x, int width, int from, int rows, float[][] into) {
    for (int j = 0; j < width; j++) {
      float[] feature = into[j];
      for (int r = 0; r < rows; r++) {
        feature[r] = x[(from + r) * width + j];
      }
    }
  }
}

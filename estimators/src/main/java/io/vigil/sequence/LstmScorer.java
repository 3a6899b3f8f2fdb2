package io.vigil.sequence;

import io.vigil.dl4j.JavaActivation;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.RepeatVector;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The encoder–decoder's reconstruction ({@link SequenceDetector#configuration}: LSTM encoder, its last step
 * repeated, LSTM decoder, a dense output per step) computed in plain Java from the trained network's
 * parameters, for scoring: a chunk of sequences at a time, each unit's values for the chunk in an array of their
 * own ({@code z[unit][row]}), so that every weight multiplies a whole array and every activation runs over one,
 * loops the JIT turns into vector instructions (offsets into one shared array keep it from doing so). The sums are
 * those of one sequence at a time, in the same order.
 *
 * <p>Why not DL4J's {@code output}: the layers are small (16 units) and a sequence is many steps, so ND4J's
 * cost per op, a dozen ops per step and layer, dominates; the same arithmetic as loops over float arrays is
 * several times faster (bench/results has the figures). The step's arithmetic is {@link LstmMath}'s, which the
 * trainer shares. The decoder's input is the encoder's last h at every step, so its input product is computed once.
 *
 * <p>Immutable once built; safe to share between threads.
 */
final class LstmScorer {

  /** One LSTM layer's parameters: input weights [in][4n], recurrent weights [n][4n], bias [4n]. */
  private record Cell(float[] input, float[] recurrent, float[] bias, int in, int size, JavaActivation act) {
    static Cell of(Map<String, INDArray> params, int layer, LSTM conf) {
      INDArray w = params.get(layer + "_W");
      return new Cell(flat(w), flat(params.get(layer + "_RW")), params.get(layer + "_b").toFloatVector(),
          (int) w.size(0), (int) conf.getNOut(), JavaActivation.of(conf.getActivationFn()));
    }

    /**
     * One step of a chunk of {@code rows} sequences: {@code z} [4n][rows] holds x_t W + b on entry (overwritten),
     * {@code h} and {@code c} [n][rows] are updated; {@code tanh} [n][rows] is scratch.
     */
    void step(float[][] z, float[][] h, float[][] c, float[][] tanh, int rows) {
      LstmMath.cell(z, recurrent, h, c, c, tanh, h, size, rows, act);
    }

    /** z[k][r] = b[k] + the sum over i of v[i][r] w[i][k], {@code w} being [inputs][4n] row-major. */
    void affine(float[][] v, float[] w, float[][] z, int inputs, int rows) {
      LstmMath.affine(v, w, bias, z, inputs, 4 * size, rows);
    }
  }

  /** Sequences reconstructed together: a chunk's states stay in the first cache levels. */
  private static final int CHUNK_ROWS = 256;

  private final Cell encoder;
  private final Cell decoder;
  /** Output weights [n][channels] and bias [channels]. */
  private final float[] outWeights;
  private final float[] outBias;
  private final int channels;

  private LstmScorer(Cell encoder, Cell decoder, float[] outWeights, float[] outBias, int channels) {
    this.encoder = encoder;
    this.decoder = decoder;
    this.outWeights = outWeights;
    this.outBias = outBias;
    this.channels = channels;
  }

  /**
   * The scorer of {@code net}, or null when {@code net} is not the shape this computes (another layer stack, a
   * gate activation other than sigmoid, an output activation other than identity, or an activation
   * {@link JavaActivation} lacks): such a network is scored by DL4J.
   */
  static LstmScorer of(MultiLayerNetwork net) {
    MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
    if (!supported(conf)) {
      return null;
    }
    Map<String, INDArray> params = net.paramTable();
    INDArray w = params.get("3_W");
    return new LstmScorer(Cell.of(params, 0, encoderOf(conf)), Cell.of(params, 2, (LSTM) conf.getConf(2).getLayer()),
        flat(w), params.get("3_b").toFloatVector(), (int) w.size(1));
  }

  /**
   * Whether {@code conf} is {@link SequenceDetector#configuration}'s layer stack with sigmoid gates, an identity
   * output and activations {@link JavaActivation} has: what the plain-Java scorer and trainer ({@link LstmTrainer})
   * compute.
   */
  static boolean supported(MultiLayerConfiguration conf) {
    return conf.getConfs().size() == 4
        && conf.getConf(0).getLayer() instanceof LastTimeStep last && supported(last.getUnderlying())
        && conf.getConf(1).getLayer() instanceof RepeatVector
        && supported(conf.getConf(2).getLayer())
        && conf.getConf(3).getLayer() instanceof RnnOutputLayer out
        && out.getActivationFn() instanceof ActivationIdentity;
  }

  /** The encoder LSTM of a {@link #supported} configuration. */
  static LSTM encoderOf(MultiLayerConfiguration conf) {
    return (LSTM) ((LastTimeStep) conf.getConf(0).getLayer()).getUnderlying();
  }

  private static boolean supported(Layer layer) {
    return layer instanceof LSTM lstm && lstm.getGateActivationFn() instanceof ActivationSigmoid
        && JavaActivation.supports(lstm.getActivationFn());
  }

  private static float[] flat(INDArray matrix) {
    return matrix.dup('c').data().asFloat();
  }

  /**
   * The reconstruction of {@code rows} sequences stored channel-major ({@code x[r * width + ch * steps + t]},
   * DL4J's NCW as {@code ParameterAveragingTrainer.Mode.FIT_SEQUENCE} feeds them), in the same layout.
   */
  float[] reconstruct(float[] x, int rows, int width) {
    if (width % channels != 0 || encoder.in() != channels) {
      throw new IllegalArgumentException(String.format("The sequence network reads %d channels; rows of %d values"
          + " do not split into them.", channels, width));
    }
    float[] out = new float[rows * width];
    Chunk chunk = new Chunk(Math.min(rows, CHUNK_ROWS), width / channels);
    for (int from = 0; from < rows; from += CHUNK_ROWS) {
      chunk.reconstruct(x, out, from, Math.min(CHUNK_ROWS, rows - from), width);
    }
    return out;
  }

  /** A chunk's working arrays, each [unit][row]. */
  private final class Chunk {
    final int steps;
    final float[][] xt;
    final float[][] z;
    final float[][] h;
    final float[][] c;
    final float[][] decoderInput;
    final float[][] dh;
    final float[][] dc;
    final float[][] tanh;

    Chunk(int rows, int steps) {
      this.steps = steps;
      int n = encoder.size();
      int m = decoder.size();
      xt = new float[channels][rows];
      z = new float[4 * Math.max(n, m)][rows];
      h = new float[n][rows];
      c = new float[n][rows];
      decoderInput = new float[4 * m][rows];
      dh = new float[m][rows];
      dc = new float[m][rows];
      tanh = new float[Math.max(n, m)][rows];
    }

    /** Rows [from, from + rows) of x into the same rows of out. */
    void reconstruct(float[] x, float[] out, int from, int rows, int width) {
      zero(h, rows);
      zero(c, rows);
      for (int t = 0; t < steps; t++) {
        for (int ch = 0; ch < channels; ch++) {
          for (int r = 0; r < rows; r++) {
            xt[ch][r] = x[(from + r) * width + ch * steps + t];
          }
        }
        encoder.affine(xt, encoder.input(), z, channels, rows);
        encoder.step(z, h, c, tanh, rows);
      }
      int m = decoder.size();
      decoder.affine(h, decoder.input(), decoderInput, encoder.size(), rows);
      zero(dh, rows);
      zero(dc, rows);
      float[] y = new float[rows];
      for (int t = 0; t < steps; t++) {
        for (int k = 0; k < 4 * m; k++) {
          System.arraycopy(decoderInput[k], 0, z[k], 0, rows);
        }
        decoder.step(z, dh, dc, tanh, rows);
        for (int ch = 0; ch < channels; ch++) {
          java.util.Arrays.fill(y, 0, rows, outBias[ch]);
          for (int j = 0; j < m; j++) {
            float w = outWeights[j * channels + ch];
            float[] dhj = dh[j];
            for (int r = 0; r < rows; r++) {
              y[r] += dhj[r] * w;
            }
          }
          for (int r = 0; r < rows; r++) {
            out[(from + r) * width + ch * steps + t] = y[r];
          }
        }
      }
    }
  }

  private static void zero(float[][] units, int rows) {
    for (float[] unit : units) {
      java.util.Arrays.fill(unit, 0, rows, 0f);
    }
  }
}

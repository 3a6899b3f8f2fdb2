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
 * parameters, for scoring.
 *
 * <p>Why not DL4J's {@code output}: the layers are small (16 units) and a sequence is many steps, so ND4J's
 * cost per op, a dozen ops per step and layer, dominates; the same arithmetic as loops over float arrays is
 * several times faster (bench/results has the figures). DL4J's LSTM per step: z = x_t W + h_(t-1) RW + b, in
 * four blocks of the layer size: [0, n) the cell input (the layer's activation), [n, 2n) the forget gate,
 * [2n, 3n) the output gate, [3n, 4n) the input gate (sigmoid gates); c_t = f c_(t-1) + i a, h_t = o act(c_t).
 * The decoder's input is the encoder's last h at every step, so its input product is computed once.
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

    /** h, c = one step from h, c with the input product (x W + b) already in {@code z}; z is overwritten. */
    void step(float[] z, float[] h, float[] c) {
      int n = size;
      int four = 4 * n;
      for (int j = 0; j < n; j++) {
        float hj = h[j];
        int base = j * four;
        for (int k = 0; k < four; k++) {
          z[k] += hj * recurrent[base + k];
        }
      }
      act.applyInPlace(z, 0, n);
      JavaActivation.SIGMOID.applyInPlace(z, n, four);
      for (int j = 0; j < n; j++) {
        c[j] = z[n + j] * c[j] + z[3 * n + j] * z[j];
      }
      System.arraycopy(c, 0, h, 0, n);
      act.applyInPlace(h, 0, n);
      for (int j = 0; j < n; j++) {
        h[j] *= z[2 * n + j];
      }
    }
  }

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
    if (conf.getConfs().size() != 4
        || !(conf.getConf(0).getLayer() instanceof LastTimeStep last) || !(last.getUnderlying() instanceof LSTM enc)
        || !(conf.getConf(1).getLayer() instanceof RepeatVector)
        || !(conf.getConf(2).getLayer() instanceof LSTM dec)
        || !(conf.getConf(3).getLayer() instanceof RnnOutputLayer out)
        || !supported(enc) || !supported(dec) || !(out.getActivationFn() instanceof ActivationIdentity)) {
      return null;
    }
    Map<String, INDArray> params = net.paramTable();
    INDArray w = params.get("3_W");
    return new LstmScorer(Cell.of(params, 0, enc), Cell.of(params, 2, dec), flat(w),
        params.get("3_b").toFloatVector(), (int) w.size(1));
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
    int steps = width / channels;
    int n = encoder.size();
    int m = decoder.size();
    float[] out = new float[rows * width];
    float[] z = new float[4 * Math.max(n, m)];
    float[] h = new float[n];
    float[] c = new float[n];
    float[] dh = new float[m];
    float[] dc = new float[m];
    float[] decoderInput = new float[4 * m];
    for (int r = 0; r < rows; r++) {
      java.util.Arrays.fill(h, 0f);
      java.util.Arrays.fill(c, 0f);
      int base = r * width;
      for (int t = 0; t < steps; t++) {
        System.arraycopy(encoder.bias(), 0, z, 0, 4 * n);
        for (int ch = 0; ch < channels; ch++) {
          float v = x[base + ch * steps + t];
          int at = ch * 4 * n;
          for (int k = 0; k < 4 * n; k++) {
            z[k] += v * encoder.input()[at + k];
          }
        }
        encoder.step(z, h, c);
      }
      System.arraycopy(decoder.bias(), 0, decoderInput, 0, 4 * m);
      for (int j = 0; j < n; j++) {
        float v = h[j];
        int at = j * 4 * m;
        for (int k = 0; k < 4 * m; k++) {
          decoderInput[k] += v * decoder.input()[at + k];
        }
      }
      java.util.Arrays.fill(dh, 0f);
      java.util.Arrays.fill(dc, 0f);
      for (int t = 0; t < steps; t++) {
        System.arraycopy(decoderInput, 0, z, 0, 4 * m);
        decoder.step(z, dh, dc);
        for (int ch = 0; ch < channels; ch++) {
          float y = outBias[ch];
          for (int j = 0; j < m; j++) {
            y += dh[j] * outWeights[j * channels + ch];
          }
          out[base + ch * steps + t] = y;
        }
      }
    }
    return out;
  }
}

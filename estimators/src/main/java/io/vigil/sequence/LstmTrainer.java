package io.vigil.sequence;

import io.vigil.dl4j.JavaActivation;
import io.vigil.dl4j.ParameterAveragingTrainer;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * One worker's round of the sequence encoder–decoder's training ({@link ParameterAveragingTrainer.WorkerStep}) in
 * plain Java: the forward pass of {@link LstmScorer} on a minibatch, backpropagation through time, and DL4J's Adam,
 * on the network's own flat parameter vector, so that the averaged result is DL4J's network as
 * {@link SequenceDetector#configuration} builds it. {@code LstmTrainerTest} checks the gradient and score against
 * DL4J's on the same network and rows, and a round against DL4J's {@code fit}.
 *
 * <p>Why not DL4J's {@code fit}: the layers are small (16 units) and a sequence is many steps, so a minibatch is a
 * few thousand ND4J ops, each costing more in shape buffers and native calls than its arithmetic: about 60 ms a
 * minibatch of 128 rows here, which bounds training whatever the core. Each unit's values for the minibatch are an
 * array of their own ({@code [unit][row]}), as in the scorer, so the loops over rows vectorise.
 *
 * <p>DL4J's conventions kept: the score of a minibatch is the sum of squared errors over steps and channels divided by
 * the channels and the rows (LossMSE; the rows are the sequences, not sequences × steps), its gradient what Adam
 * receives; Adam's step {@code t} is the network's iteration count + 1. The optimiser state is Adam's moments in the
 * flat parameter order, first moments then second.
 */
final class LstmTrainer implements ParameterAveragingTrainer.WorkerStep {

  private static final long serialVersionUID = 1L;

  private static final String[] KEYS = {"0_W", "0_RW", "0_b", "2_W", "2_RW", "2_b", "3_W", "3_b"};
  private static final int EW = 0;
  private static final int ERW = 1;
  private static final int EB = 2;
  private static final int DW = 3;
  private static final int DRW = 4;
  private static final int DB = 5;
  private static final int OW = 6;
  private static final int OB = 7;

  private final String confJson;
  private final int channels;
  private final double learningRate;
  private final double beta1;
  private final double beta2;
  private final double epsilon;

  LstmTrainer(MultiLayerConfiguration conf, int channels) {
    if (!supports(conf)) {
      throw new IllegalArgumentException("The plain-Java LSTM trainer trains SequenceDetector's network only.");
    }
    this.confJson = conf.toJson();
    this.channels = channels;
    Adam adam = (Adam) ((BaseLayer) conf.getConf(3).getLayer()).getIUpdater();
    this.learningRate = adam.getLearningRate();
    this.beta1 = adam.getBeta1();
    this.beta2 = adam.getBeta2();
    this.epsilon = adam.getEpsilon();
  }

  /**
   * Whether this trains {@code conf}: the scorer's layer stack ({@link LstmScorer#supported}) with the MSE loss,
   * Adam at a fixed rate in every layer, and no regularisation or gradient normalisation.
   */
  static boolean supports(MultiLayerConfiguration conf) {
    if (!LstmScorer.supported(conf)
        || !(((RnnOutputLayer) conf.getConf(3).getLayer()).getLossFn() instanceof LossMSE)) {
      return false;
    }
    Object updater = null;
    for (BaseLayer layer : List.of(LstmScorer.encoderOf(conf), (BaseLayer) conf.getConf(2).getLayer(),
        (BaseLayer) conf.getConf(3).getLayer())) {
      if (!(layer.getIUpdater() instanceof Adam adam) || adam.getLearningRateSchedule() != null
          || (updater != null && !updater.equals(adam))
          || !layer.getRegularization().isEmpty() || !layer.getRegularizationBias().isEmpty()
          || (layer.getGradientNormalization() != null
              && layer.getGradientNormalization() != GradientNormalization.None)) {
        return false;
      }
      updater = adam;
    }
    return true;
  }

  @Override
  public float[][] initial() {
    MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(confJson));
    net.init();
    float[] params = net.params().castTo(DataType.FLOAT).toFloatVector();
    return new float[][] {params, new float[2 * params.length]};
  }

  @Override
  public String[] lossNames() {
    return new String[] {"loss"};
  }

  @Override
  public float[][] fit(float[] params, float[] state, List<float[]> rows, int batchSize, int iteration,
      long randomSeed) {
    int n = params.length;
    float[] p = params.clone();
    float[] m = state.length == 0 ? new float[n] : java.util.Arrays.copyOfRange(state, 0, n);
    float[] v = state.length == 0 ? new float[n] : java.util.Arrays.copyOfRange(state, n, 2 * n);
    Network net = network(Math.min(batchSize, rows.size()), rows.get(0).length / channels);
    float[] gradient = new float[n];
    double lossSum = 0;
    int batches = 0;
    for (int b = 0; b < rows.size(); b += batchSize) {
      List<float[]> batch = rows.subList(b, Math.min(rows.size(), b + batchSize));
      net.load(p);
      lossSum += net.gradient(batch, gradient);
      adam(p, m, v, gradient, iteration + batches + 1);
      batches++;
    }
    float[] out = new float[2 * n];
    System.arraycopy(m, 0, out, 0, n);
    System.arraycopy(v, 0, out, n, n);
    return new float[][] {p, out, {(float) (lossSum / batches)}};
  }

  /** A forward and backward pass over minibatches of up to {@code rows} sequences of {@code steps} steps. */
  Network network(int rows, int steps) {
    return new Network(LAYOUTS.computeIfAbsent(confJson, Layout::of), channels, rows, steps);
  }

  /** DL4J's Adam (AdamUpdater) on every parameter at step {@code t}. */
  private void adam(float[] p, float[] m, float[] v, float[] g, int t) {
    double alpha = learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
    float b1 = (float) beta1;
    float b2 = (float) beta2;
    float a = (float) alpha;
    float eps = (float) epsilon;
    for (int i = 0; i < p.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      p[i] -= a * m[i] / ((float) Math.sqrt(v[i]) + eps);
    }
  }

  /**
   * The parameter layouts of the last few configurations, each computed once (immutable; shared by every thread). A
   * configuration's JSON holds its seed, so a long-lived executor that trains many models would otherwise keep one
   * per model.
   */
  private static final Map<String, Layout> LAYOUTS = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Layout> eldest) {
          return size() > 8;
        }
      });

  /**
   * Where each of the eight parameter arrays' entries sits in DL4J's flat vector (its views are column-major), in
   * the row-major order this code uses: {@code index[a][i]}; and the layers' sizes and activations.
   */
  private record Layout(int[][] index, int[][] shape, JavaActivation encoderAct, JavaActivation decoderAct) {
    static Layout of(String confJson) {
      MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(confJson);
      MultiLayerNetwork net = new MultiLayerNetwork(conf);
      net.init();
      int n = (int) net.numParams();
      float[] positions = new float[n]; // exact as floats: networks here have far fewer than 2^24 parameters
      for (int i = 0; i < n; i++) {
        positions[i] = i;
      }
      net.setParams(Nd4j.create(positions, new long[] {1, n}, 'c'));
      int[][] index = new int[KEYS.length][];
      int[][] shape = new int[KEYS.length][];
      for (int a = 0; a < KEYS.length; a++) {
        var array = net.getParam(KEYS[a]);
        float[] values = array.dup('c').data().asFloat();
        index[a] = new int[values.length];
        for (int i = 0; i < values.length; i++) {
          index[a][i] = (int) values[i];
        }
        shape[a] = new int[] {(int) array.size(0), (int) array.size(1)};
      }
      return new Layout(index, shape, JavaActivation.of(LstmScorer.encoderOf(conf).getActivationFn()),
          JavaActivation.of(((LSTM) conf.getConf(2).getLayer()).getActivationFn()));
    }
  }

  /**
   * The network's parameters in row-major arrays (loaded from the flat vector), and a minibatch's forward and
   * backward pass over arrays [unit][row].
   */
  static final class Network {
    private final Layout layout;
    private final float[][] w = new float[KEYS.length][];
    private final float[][] g = new float[KEYS.length][];
    private final int channels;
    private final int steps;
    private final int n; // encoder units
    private final int m; // decoder units
    // forward, per step: the inputs, the gates after their activations [a, f, o, i], the cells, act(cell), the h
    private final float[][][] x;
    private final float[][][] encGates;
    private final float[][][] encCell; // [steps + 1]: encCell[0] the zero state
    private final float[][][] encTanh;
    private final float[][][] encH; // [steps + 1]
    private final float[][] decInput; // h_T W_d + b_d, the same at every step
    private final float[][][] decGates;
    private final float[][][] decCell;
    private final float[][][] decTanh;
    private final float[][][] decH;
    private final float[][][] dy; // the output's error, then its gradient
    // backward scratch
    private final float[][] dz;
    private final float[][] dzSum;
    private final float[][] dh;
    private final float[][] dhNext;
    private final float[][] dc;
    private final float[][] dhLast;
    private final float[] derivative;

    Network(Layout layout, int channels, int rows, int steps) {
      this.layout = layout;
      this.channels = channels;
      this.steps = steps;
      for (int a = 0; a < KEYS.length; a++) {
        w[a] = new float[layout.index()[a].length];
        g[a] = new float[w[a].length];
      }
      n = layout.shape()[ERW][0];
      m = layout.shape()[DRW][0];
      x = new float[steps][channels][rows];
      encGates = new float[steps][4 * n][rows];
      encCell = new float[steps + 1][n][rows];
      encTanh = new float[steps][n][rows];
      encH = new float[steps + 1][n][rows];
      decInput = new float[4 * m][rows];
      decGates = new float[steps][4 * m][rows];
      decCell = new float[steps + 1][m][rows];
      decTanh = new float[steps][m][rows];
      decH = new float[steps + 1][m][rows];
      dy = new float[steps][channels][rows];
      int widest = Math.max(n, m);
      dz = new float[4 * widest][rows];
      dzSum = new float[4 * m][rows];
      dh = new float[widest][rows];
      dhNext = new float[widest][rows];
      dc = new float[widest][rows];
      dhLast = new float[n][rows];
      derivative = new float[rows];
    }

    /** This network's parameters from the flat vector. */
    void load(float[] flat) {
      for (int a = 0; a < KEYS.length; a++) {
        int[] index = layout.index()[a];
        float[] target = w[a];
        for (int i = 0; i < index.length; i++) {
          target[i] = flat[index[i]];
        }
      }
    }

    /**
     * The minibatch's score (DL4J's: squared errors summed, divided by the channels and the rows) and its gradient
     * into {@code flat} (DL4J's order).
     */
    double gradient(List<float[]> batch, float[] flat) {
      int rows = batch.size();
      for (int r = 0; r < rows; r++) {
        float[] row = batch.get(r);
        for (int ch = 0; ch < channels; ch++) {
          for (int t = 0; t < steps; t++) {
            x[t][ch][r] = row[ch * steps + t];
          }
        }
      }
      double loss = forward(rows);
      backward(rows);
      for (int a = 0; a < KEYS.length; a++) {
        int[] index = layout.index()[a];
        float[] source = g[a];
        for (int i = 0; i < index.length; i++) {
          flat[index[i]] = source[i];
        }
      }
      return loss / ((double) channels * rows);
    }

    private double forward(int rows) {
      zero(encCell[0], rows);
      zero(encH[0], rows);
      for (int t = 0; t < steps; t++) {
        LstmMath.affine(x[t], w[EW], w[EB], encGates[t], channels, 4 * n, rows);
        LstmMath.cell(encGates[t], w[ERW], encH[t], encCell[t], encCell[t + 1], encTanh[t], encH[t + 1], n, rows,
            layout.encoderAct());
      }
      LstmMath.affine(encH[steps], w[DW], w[DB], decInput, n, 4 * m, rows);
      zero(decCell[0], rows);
      zero(decH[0], rows);
      double loss = 0;
      for (int t = 0; t < steps; t++) {
        for (int k = 0; k < 4 * m; k++) {
          System.arraycopy(decInput[k], 0, decGates[t][k], 0, rows);
        }
        LstmMath.cell(decGates[t], w[DRW], decH[t], decCell[t], decCell[t + 1], decTanh[t], decH[t + 1], m, rows,
            layout.decoderAct());
        LstmMath.affine(decH[t + 1], w[OW], w[OB], dy[t], m, channels, rows);
        for (int ch = 0; ch < channels; ch++) {
          float[] e = dy[t][ch];
          float[] target = x[t][ch];
          for (int r = 0; r < rows; r++) {
            e[r] -= target[r];
            loss += (double) e[r] * e[r];
          }
        }
      }
      // d score / d y = 2 (y - x) / (channels * rows)
      float scale = 2f / (channels * rows);
      for (int t = 0; t < steps; t++) {
        for (int ch = 0; ch < channels; ch++) {
          float[] e = dy[t][ch];
          for (int r = 0; r < rows; r++) {
            e[r] *= scale;
          }
        }
      }
      return loss;
    }

    private void backward(int rows) {
      for (float[] a : g) {
        java.util.Arrays.fill(a, 0f);
      }
      // the decoder, from the last step back; its input is h_T at every step, so its input gradient is summed
      zero(dhNext, rows);
      zero(dc, rows);
      zero(dzSum, rows);
      for (int t = steps - 1; t >= 0; t--) {
        // dh = the output layer's share (W_o dy_t) + the next step's recurrent share
        for (int j = 0; j < m; j++) {
          float[] d = dh[j];
          System.arraycopy(dhNext[j], 0, d, 0, rows);
          for (int ch = 0; ch < channels; ch++) {
            float weight = w[OW][j * channels + ch];
            float[] e = dy[t][ch];
            for (int r = 0; r < rows; r++) {
              d[r] += weight * e[r];
            }
          }
        }
        for (int ch = 0; ch < channels; ch++) {
          float[] e = dy[t][ch];
          g[OB][ch] += sum(e, rows);
          for (int j = 0; j < m; j++) {
            g[OW][j * channels + ch] += dot(decH[t + 1][j], e, rows);
          }
        }
        cellBackward(decGates[t], decCell[t], decTanh[t], w[DRW], g[DRW], g[DB], decH[t], m, rows,
            layout.decoderAct());
        for (int k = 0; k < 4 * m; k++) {
          float[] s = dzSum[k];
          float[] d = dz[k];
          for (int r = 0; r < rows; r++) {
            s[r] += d[r];
          }
        }
      }
      // the decoder's input weights and h_T's gradient, from the summed gate gradients
      for (int i = 0; i < n; i++) {
        float[] h = encH[steps][i];
        float[] d = dhLast[i];
        java.util.Arrays.fill(d, 0, rows, 0f);
        for (int k = 0; k < 4 * m; k++) {
          g[DW][i * 4 * m + k] += dot(h, dzSum[k], rows);
          float weight = w[DW][i * 4 * m + k];
          float[] s = dzSum[k];
          for (int r = 0; r < rows; r++) {
            d[r] += weight * s[r];
          }
        }
      }
      // the encoder: only its last step's h is used (LastTimeStep)
      zero(dhNext, rows);
      zero(dc, rows);
      for (int t = steps - 1; t >= 0; t--) {
        for (int j = 0; j < n; j++) {
          System.arraycopy(dhNext[j], 0, dh[j], 0, rows);
          if (t == steps - 1) {
            float[] d = dh[j];
            float[] last = dhLast[j];
            for (int r = 0; r < rows; r++) {
              d[r] += last[r];
            }
          }
        }
        cellBackward(encGates[t], encCell[t], encTanh[t], w[ERW], g[ERW], g[EB], encH[t], n, rows,
            layout.encoderAct());
        for (int ch = 0; ch < channels; ch++) {
          for (int k = 0; k < 4 * n; k++) {
            g[EW][ch * 4 * n + k] += dot(x[t][ch], dz[k], rows);
          }
        }
      }
    }

    /**
     * One step back through an LSTM layer: from dh (this step's h gradient) and dc (the next step's cell gradient,
     * updated in place to this step's share for the step before), the gate gradients into dz, the recurrent weights'
     * and bias' gradients, and dhNext (the previous step's h gradient through the recurrent weights).
     */
    private void cellBackward(float[][] gates, float[][] cellBefore, float[][] tanh, float[] recurrent,
        float[] dRecurrent, float[] dBias, float[][] hBefore, int units, int rows, JavaActivation act) {
      for (int j = 0; j < units; j++) {
        float[] a = gates[j];
        float[] f = gates[units + j];
        float[] o = gates[2 * units + j];
        float[] i = gates[3 * units + j];
        float[] tc = tanh[j];
        float[] cb = cellBefore[j];
        float[] dhj = dh[j];
        float[] dcj = dc[j];
        float[] dza = dz[j];
        float[] dzf = dz[units + j];
        float[] dzo = dz[2 * units + j];
        float[] dzi = dz[3 * units + j];
        derivative(act, tc, derivative, rows);
        for (int r = 0; r < rows; r++) {
          float c = dcj[r] + dhj[r] * o[r] * derivative[r];
          dzo[r] = dhj[r] * tc[r] * o[r] * (1 - o[r]);
          dzi[r] = c * a[r] * i[r] * (1 - i[r]);
          dzf[r] = c * cb[r] * f[r] * (1 - f[r]);
          dza[r] = c * i[r];
          dcj[r] = c * f[r];
        }
        derivative(act, a, derivative, rows);
        for (int r = 0; r < rows; r++) {
          dza[r] *= derivative[r];
        }
      }
      int four = 4 * units;
      for (int k = 0; k < four; k++) {
        dBias[k] += sum(dz[k], rows);
      }
      for (int j = 0; j < units; j++) {
        float[] h = hBefore[j];
        float[] next = dhNext[j];
        java.util.Arrays.fill(next, 0, rows, 0f);
        for (int k = 0; k < four; k++) {
          dRecurrent[j * four + k] += dot(h, dz[k], rows);
          float weight = recurrent[j * four + k];
          float[] d = dz[k];
          for (int r = 0; r < rows; r++) {
            next[r] += weight * d[r];
          }
        }
      }
    }
  }

  /** out[r] = act'(the value whose activation is y[r]), from the activation's output. */
  static void derivative(JavaActivation act, float[] y, float[] out, int rows) {
    switch (act) {
      case TANH -> { for (int r = 0; r < rows; r++) { out[r] = 1 - y[r] * y[r]; } }
      case SIGMOID -> { for (int r = 0; r < rows; r++) { out[r] = y[r] * (1 - y[r]); } }
      case RELU -> { for (int r = 0; r < rows; r++) { out[r] = y[r] > 0 ? 1f : 0f; } }
      case LEAKYRELU -> { for (int r = 0; r < rows; r++) { out[r] = y[r] >= 0 ? 1f : 0.01f; } }
      case ELU -> { for (int r = 0; r < rows; r++) { out[r] = y[r] >= 0 ? 1f : y[r] + 1; } }
      case IDENTITY -> java.util.Arrays.fill(out, 0, rows, 1f);
    }
  }

  /** The sum over rows of a[r] b[r], in four running sums (a reduction the JIT leaves scalar: this pipelines it). */
  static float dot(float[] a, float[] b, int rows) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int r = 0;
    for (; r + 3 < rows; r += 4) {
      s0 += a[r] * b[r];
      s1 += a[r + 1] * b[r + 1];
      s2 += a[r + 2] * b[r + 2];
      s3 += a[r + 3] * b[r + 3];
    }
    for (; r < rows; r++) {
      s0 += a[r] * b[r];
    }
    return (s0 + s1) + (s2 + s3);
  }

  static float sum(float[] a, int rows) {
    float s = 0;
    for (int r = 0; r < rows; r++) {
      s += a[r];
    }
    return s;
  }

  private static void zero(float[][] units, int rows) {
    for (float[] unit : units) {
      java.util.Arrays.fill(unit, 0, rows, 0f);
    }
  }
}

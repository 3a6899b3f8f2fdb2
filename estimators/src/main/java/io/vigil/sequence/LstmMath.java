package io.vigil.sequence;

import io.vigil.dl4j.JavaActivation;

/**
 * The forward arithmetic of DL4J's LSTM layer and dense output that the plain-Java scorer ({@link LstmScorer}) and
 * trainer ({@link LstmTrainer}) share, on arrays [unit][row]: every weight multiplies a whole array of rows and every
 * activation runs over one, loops the JIT turns into vector instructions.
 *
 * <p>DL4J's LSTM per step: z = x_t W + h_(t-1) RW + b, in four blocks of the layer size: [0, n) the cell input (the
 * layer's activation), [n, 2n) the forget gate, [2n, 3n) the output gate, [3n, 4n) the input gate (sigmoid gates);
 * c_t = f c_(t-1) + i a, h_t = o act(c_t).
 */
final class LstmMath {

  private LstmMath() {}

  /** z[k][r] = b[k] + the sum over i of v[i][r] w[i][k] ({@code w} [inputs][outputs] row-major), i in order. */
  static void affine(float[][] v, float[] w, float[] b, float[][] z, int inputs, int outputs, int rows) {
    for (int k = 0; k < outputs; k++) {
      float[] zk = z[k];
      java.util.Arrays.fill(zk, 0, rows, b[k]);
      for (int i = 0; i < inputs; i++) {
        float wik = w[i * outputs + k];
        float[] vi = v[i];
        for (int r = 0; r < rows; r++) {
          zk[r] += vi[r] * wik;
        }
      }
    }
  }

  /**
   * One step of an LSTM layer of {@code units} units for {@code rows} rows: {@code gates} holds x_t W + b on entry
   * and the gates after their activations on exit; the new cell, act(cell) and h are written. {@code h} may be
   * {@code hBefore} and {@code cell} may be {@code cellBefore} (the scorer keeps one state): the recurrent product
   * reads all of hBefore before h is written.
   */
  static void cell(float[][] gates, float[] recurrent, float[][] hBefore, float[][] cellBefore, float[][] cell,
      float[][] tanh, float[][] h, int units, int rows, JavaActivation act) {
    int four = 4 * units;
    for (int k = 0; k < four; k++) {
      float[] zk = gates[k];
      for (int j = 0; j < units; j++) {
        float weight = recurrent[j * four + k];
        float[] hj = hBefore[j];
        for (int r = 0; r < rows; r++) {
          zk[r] += hj[r] * weight;
        }
      }
    }
    for (int j = 0; j < units; j++) {
      float[] a = gates[j];
      float[] f = gates[units + j];
      float[] o = gates[2 * units + j];
      float[] i = gates[3 * units + j];
      act.applyInPlace(a, 0, rows);
      JavaActivation.SIGMOID.applyInPlace(f, 0, rows);
      JavaActivation.SIGMOID.applyInPlace(o, 0, rows);
      JavaActivation.SIGMOID.applyInPlace(i, 0, rows);
      float[] cb = cellBefore[j];
      float[] c = cell[j];
      float[] tc = tanh[j];
      float[] hj = h[j];
      for (int r = 0; r < rows; r++) {
        c[r] = f[r] * cb[r] + i[r] * a[r];
      }
      System.arraycopy(c, 0, tc, 0, rows);
      act.applyInPlace(tc, 0, rows);
      for (int r = 0; r < rows; r++) {
        hj[r] = o[r] * tc[r];
      }
    }
  }
}

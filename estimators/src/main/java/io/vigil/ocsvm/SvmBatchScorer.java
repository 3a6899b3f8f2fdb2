package io.vigil.ocsvm;

import io.vigil.dl4j.Nd4jArrays;
import io.vigil.dl4j.SparseColumns;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ensemble's score of a batch of rows by matrix products, {@link #CHUNK_ROWS} rows at a time: the products of
 * every row with every support vector (of all members at once) as one FLOAT GEMM over the dense columns plus the
 * sparse columns' part ({@link SparseColumns}: on one-hot features most of the width), then, per row, passes over
 * the support vectors that turn the products into kernel values and sum the weighted kernels
 * (‖x - sv‖² = ‖x‖² + ‖sv‖² - 2·x·sv). One instance per executor thread (restored from the broadcast bytes); not
 * thread-safe (it keeps its buffers).
 */
final class SvmBatchScorer {

  /**
   * Rows per GEMM: over a few dense columns the product writes far more than it reads, and more rows a call make
   * BLAS's kernels more efficient, while a chunk's products (rows × support vectors) should stay near the core's
   * cache for the pass that reads them; a probe over 64 to 512 rows found this the fastest.
   */
  static final int CHUNK_ROWS = 256;

  private final int count;
  private final int width;
  private final SparseColumns columns;
  /** The support vectors' dense columns, [count x dense] (null when every column is sparse). */
  private final INDArray denseVectors;
  /** Per support vector: ‖sv‖² - 2·Σ_sparse baseline_j·sv_j, the part of the squared distance fixed per vector. */
  private final float[] offsets;
  /** Per support vector: its weight over the number of members (the score is the members' mean decision). */
  private final float[] weights;
  /** The members' mean intercept. */
  private final double intercept;
  private final float negativeGamma;
  /** Per support vector, for the row being scored: its kernel, and the kernel's exponent as n + {@link #ROUNDING}. */
  private final float[] kernels;
  private final float[] rounded;
  private INDArray productBuffer;
  /** The last chunk's products, read where BLAS wrote them (null when every column is sparse). */
  private java.nio.FloatBuffer productView;

  private SvmBatchScorer(SvmMember[] members, double gamma) {
    this.negativeGamma = (float) -gamma;
    int total = 0;
    int w = 0;
    double interceptSum = 0;
    for (SvmMember member : members) {
      total += member.vectors.length;
      w = member.vectors.length == 0 ? w : member.vectors[0].length;
      interceptSum += member.intercept;
    }
    count = total;
    width = w;
    intercept = interceptSum / members.length;
    float[] flat = new float[count * width];
    double[] norms = new double[count];
    weights = new float[count];
    int at = 0;
    for (SvmMember member : members) {
      for (int i = 0; i < member.vectors.length; i++, at++) {
        for (int j = 0; j < width; j++) {
          flat[at * width + j] = (float) member.vectors[i][j];
        }
        norms[at] = member.squaredNorms[i];
        weights[at] = (float) (member.weights[i] / members.length);
      }
    }
    columns = SparseColumns.of(flat, count, width);
    offsets = new float[count];
    for (int i = 0; i < count; i++) {
      offsets[i] = (float) (norms[i] - 2.0 * columns.baselineProducts[i]);
    }
    denseVectors = columns.dense.length == 0 || count == 0 ? null
        : Nd4jArrays.matrix(columns.denseOf(flat, 0, count, width), count, columns.dense.length);
    kernels = new float[count];
    rounded = new float[count];
  }

  /** The members and the kernel width as bytes to broadcast. */
  static byte[] toBytes(SvmMember[] members, double gamma) {
    try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeDouble(gamma);
      out.writeObject(members);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serialise the SVM members", e);
    }
  }

  static SvmBatchScorer fromBytes(byte[] bytes) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      double gamma = in.readDouble();
      return new SvmBatchScorer((SvmMember[]) in.readObject(), gamma);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the SVM members", e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Score = -(mean over members of f_m(x)), as {@link OneClassSvmModel#score}; higher = more anomalous. Row
   * {@code i} of the batch is {@code x[i * width, (i + 1) * width)}.
   */
  void score(double[] x, int rows, int rowWidth, double[] scores) {
    if (rowWidth != width && count > 0) {
      throw new IllegalArgumentException("The SVM's support vectors have " + width + " features; rows have "
          + rowWidth);
    }
    float[] values = Nd4jArrays.toFloats(x, rows * width);
    for (int from = 0; from < rows; from += CHUNK_ROWS) {
      int size = Math.min(CHUNK_ROWS, rows - from);
      productsOf(values, from, size);
      for (int r = 0; r < size; r++) {
        int row = from + r;
        int at = r * count;
        double norm = 0;
        for (int j = row * width, end = j + width; j < end; j++) {
          norm += (double) values[j] * values[j];
        }
        float rowNorm = (float) norm;
        scores[row] = -(decision(values, row, rowNorm, at) + intercept);
      }
    }
  }

  /**
   * Σ weight_i · e^(-γ·d²_i) over the support vectors, d²_i from the row's norm, its dense products (in
   * {@link #productView} from {@code at}) and its sparse ones ({@link SparseColumns#addSparseProducts}), by
   * {@link #exp}'s arithmetic in passes over all vectors, each reading and writing arrays at the same index (which C2
   * turns into SIMD instructions; an offset read beside a write keeps a loop scalar, so the row's products are copied
   * out first); then the weighted sum in four FLOAT sums over blocks of 64 vectors, each block's total added in double,
   * so a few thousand terms lose no more than a block's rounding. The exponent is held at -100 or above: the
   * subnormal floats below 2^-126 cost a hundred times more per operation.
   */
  private double decision(float[] values, int row, float rowNorm, int at) {
    float scale = negativeGamma * LOG2_E;
    if (productView == null) {
      java.util.Arrays.fill(kernels, 0f);
    } else {
      productView.get(at, kernels, 0, count);
    }
    columns.addSparseProducts(values, row, width, -2f, columns.sparseValues, kernels, count);
    for (int i = 0; i < count; i++) {
      float t = Math.max(Math.max(rowNorm + offsets[i] + kernels[i], 0f) * scale, -100f);
      float shifted = t + ROUNDING;
      rounded[i] = shifted;
      kernels[i] = t - (shifted - ROUNDING);
    }
    for (int i = 0; i < count; i++) {
      kernels[i] = twoToThe(kernels[i]);
    }
    for (int i = 0; i < count; i++) {
      kernels[i] = timesTwoToThe(kernels[i], rounded[i]);
    }
    double total = 0;
    int i = 0;
    for (int end = count & ~63; i < end; ) {
      float s0 = 0;
      float s1 = 0;
      float s2 = 0;
      float s3 = 0;
      for (int blockEnd = i + 64; i < blockEnd; i += 4) {
        s0 += weights[i] * kernels[i];
        s1 += weights[i + 1] * kernels[i + 1];
        s2 += weights[i + 2] * kernels[i + 2];
        s3 += weights[i + 3] * kernels[i + 3];
      }
      total += (double) (s0 + s1) + (s2 + s3);
    }
    for (; i < count; i++) {
      total += weights[i] * kernels[i];
    }
    return total;
  }

  /** log2(e), and 1.5 · 2^23: adding it rounds a float of magnitude under 2^22 to an integer kept in the low bits. */
  private static final float LOG2_E = 1.442695041f;
  private static final float ROUNDING = 12582912f;

  /**
   * e^z for z ≤ 0 in FLOAT, within 4e-6 of {@link Math#exp} relative (the FLOAT products before it are no closer):
   * 2^(z·log2 e) as 2^n · 2^f with n the nearest integer and |f| ≤ ½, 2^f by a degree-6 polynomial, 2^n added to the
   * exponent bits. Below e^-69 it gives a value under 1e-30 instead of a smaller one. The kernel takes one per
   * support vector and row, and this costs a fraction of {@link Math#exp}'s double evaluation.
   */
  static float exp(float z) {
    float t = Math.max(z * LOG2_E, -100f);
    float shifted = t + ROUNDING;
    return timesTwoToThe(twoToThe(t - (shifted - ROUNDING)), shifted);
  }

  /** 2^f for |f| ≤ ½ (a minimax polynomial). */
  private static float twoToThe(float f) {
    return (((((1.5353362e-4f * f + 1.3398874e-3f) * f + 9.6180023e-3f) * f + 5.5503324e-2f) * f + 2.4022648e-1f) * f
        + 6.9314718e-1f) * f + 1f;
  }

  /**
   * p · 2^n, n the integer that {@code rounded} (= n + {@link #ROUNDING}) holds in its low bits: n added to p's
   * exponent.
   */
  private static float timesTwoToThe(float p, float rounded) {
    int n = Float.floatToRawIntBits(rounded) - Float.floatToRawIntBits(ROUNDING);
    return Float.intBitsToFloat(Float.floatToRawIntBits(p) + (n << 23));
  }

  /**
   * -2 × the dense columns' products of rows [from, from + size) with every support vector, into
   * {@link #productView}.
   */
  private void productsOf(float[] x, int from, int size) {
    if (denseVectors == null) {
      return;
    }
    INDArray chunk = Nd4jArrays.matrix(columns.denseOf(x, from, size, width), size, columns.dense.length);
    // (count x size) in column order: the products of row r lie contiguously at r * count.
    INDArray out = productBuffer(size);
    Nd4j.gemm(denseVectors, chunk, out, false, true, -2.0, 0.0);
    productView = out.data().asNioFloat();
  }

  private INDArray productBuffer(int size) {
    if (productBuffer == null || productBuffer.columns() != size) {
      productBuffer = Nd4j.createUninitialized(DataType.FLOAT, new long[] {count, size}, 'f');
    }
    return productBuffer;
  }
}

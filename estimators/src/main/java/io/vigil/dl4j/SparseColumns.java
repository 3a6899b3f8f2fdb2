package io.vigil.dl4j;

/**
 * The columns of a set of stored vectors (support vectors, reference rows) split by whether one value holds most of
 * them: one-hot slots, flags and counts that are mostly 0. The products x·v of a scored row with every stored vector
 * are then a matrix product over the dense columns only, plus, per stored vector, the fixed term Σ baseline_j·v_j
 * over the sparse columns, plus one pass over the stored vectors for each sparse column where the row differs from
 * its baseline — exact for any row, and cheap for rows like the stored ones (on KDD's 122 features: 84 one-hot
 * slots, of which a row differs from the baseline in a handful).
 *
 * <p>The baseline of a column is its majority value among the stored vectors (Boyer–Moore's vote, two passes,
 * no hashing), and the column is sparse when that value holds at least {@link #MIN_SHARE} of them.
 */
public final class SparseColumns {

  /**
   * The share of stored vectors a column's baseline must hold. A sparse column costs one pass over the stored vectors
   * for each row that differs from its baseline, where a dense one costs its share of a matrix product (a few times
   * cheaper per multiply-add); rows like the stored ones differ in under a fifth of sparse columns.
   */
  static final double MIN_SHARE = 0.8;

  /** Dense columns, in order. */
  public final int[] dense;
  /** Sparse columns, in order, and each one's baseline value. */
  public final int[] sparse;
  public final float[] baseline;
  /** Per stored vector: Σ over sparse columns of baseline_j · v_j (summed in double). */
  public final float[] baselineProducts;
  /** Per sparse column: its values in every stored vector, contiguous ({@code sparseValues[k][vector]}). */
  public final float[][] sparseValues;

  private SparseColumns(int[] dense, int[] sparse, float[] baseline, float[] baselineProducts,
      float[][] sparseValues) {
    this.dense = dense;
    this.sparse = sparse;
    this.baseline = baseline;
    this.baselineProducts = baselineProducts;
    this.sparseValues = sparseValues;
  }

  /** The split of {@code count} row-major vectors of {@code width} values. */
  public static SparseColumns of(float[] vectors, int count, int width) {
    boolean[] isSparse = new boolean[width];
    float[] majority = new float[width];
    int sparseCount = 0;
    for (int j = 0; j < width; j++) {
      float candidate = 0;
      int votes = 0;
      for (int i = 0; i < count; i++) {
        float v = vectors[i * width + j];
        if (votes == 0) {
          candidate = v;
          votes = 1;
        } else if (Float.compare(v, candidate) == 0) {
          votes++;
        } else {
          votes--;
        }
      }
      int held = 0;
      for (int i = 0; i < count; i++) {
        held += Float.compare(vectors[i * width + j], candidate) == 0 ? 1 : 0;
      }
      if (count > 0 && Float.isFinite(candidate) && held >= MIN_SHARE * count) {
        isSparse[j] = true;
        majority[j] = candidate;
        sparseCount++;
      }
    }
    int[] dense = new int[width - sparseCount];
    int[] sparse = new int[sparseCount];
    float[] baseline = new float[sparseCount];
    for (int j = 0, d = 0, s = 0; j < width; j++) {
      if (isSparse[j]) {
        baseline[s] = majority[j];
        sparse[s++] = j;
      } else {
        dense[d++] = j;
      }
    }
    float[][] sparseValues = new float[sparseCount][count];
    float[] baselineProducts = new float[count];
    for (int i = 0; i < count; i++) {
      double sum = 0;
      for (int k = 0; k < sparseCount; k++) {
        float v = vectors[i * width + sparse[k]];
        sparseValues[k][i] = v;
        sum += (double) baseline[k] * v;
      }
      baselineProducts[i] = (float) sum;
    }
    return new SparseColumns(dense, sparse, baseline, baselineProducts, sparseValues);
  }

  /** The dense columns of rows {@code [first, first + count)} of {@code vectors} (row-major), row-major. */
  public float[] denseOf(float[] vectors, int first, int count, int width) {
    float[] out = new float[count * dense.length];
    for (int i = 0; i < count; i++) {
      int base = (first + i) * width;
      for (int d = 0; d < dense.length; d++) {
        out[i * dense.length + d] = vectors[base + dense[d]];
      }
    }
    return out;
  }

  /** Each sparse column's values in the stored vectors {@code [first, first + length)} (a block of them). */
  public float[][] sparseValues(int first, int length) {
    float[][] out = new float[sparse.length][];
    for (int k = 0; k < sparse.length; k++) {
      out[k] = java.util.Arrays.copyOfRange(sparseValues[k], first, first + length);
    }
    return out;
  }

  /**
   * Adds {@code factor} · (row {@code row}'s products over the sparse columns minus their baseline part) with
   * {@code length} stored vectors to {@code products[0, length)}: for each sparse column where the row differs from
   * its baseline, the difference times that column's values in those vectors ({@code values}: {@link #sparseValues}
   * or a block of them). Both arrays are read from index 0, which lets C2 turn the loop into SIMD instructions.
   */
  public void addSparseProducts(float[] x, int row, int width, float factor, float[][] values, float[] products,
      int length) {
    int base = row * width;
    for (int k = 0; k < sparse.length; k++) {
      float delta = x[base + sparse[k]] - baseline[k];
      if (delta != 0) {
        float scaled = factor * delta;
        float[] column = values[k];
        for (int i = 0; i < length; i++) {
          products[i] += scaled * column[i];
        }
      }
    }
  }
}

package io.vigil.knn;

import io.vigil.dl4j.BatchScoring;
import io.vigil.dl4j.Nd4jArrays;
import io.vigil.dl4j.SparseColumns;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exact k-nearest-neighbour distances of a batch of rows to the reference set, through BLAS: for each
 * {@link #CHUNK_ROWS} scored rows and each block of {@link #BLOCK_ROWS} reference rows, one FLOAT matrix product
 * over the dense columns and the sparse columns' part ({@link SparseColumns}: one-hot slots and mostly-zero
 * counts, most of KDD's width) give -2 x·r for every pair, to which the squared norms are added
 * (‖x - r‖² = ‖x‖² + ‖r‖² - 2 x·r), and a running top list per row keeps the nearest candidates. The
 * candidates' distances are then computed again directly, in double: the expanded form loses digits for close
 * pairs in float, and the closest pairs decide the score.
 *
 * <p>One instance per executor thread (restored from the broadcast bytes by {@link #fromBytes}); not
 * thread-safe, because it keeps its product buffer between batches.
 */
final class KnnScorer {

  static final int BLOCK_ROWS = 2048;
  /**
   * Scored rows per matrix product: over a few dense columns the product writes far more than it reads, and more
   * rows a call make BLAS's kernels more efficient; a probe over 128 to 512 rows found this the fastest.
   */
  static final int CHUNK_ROWS = 256;

  private final float[] reference;
  private final int rows;
  private final int width;
  private final SparseColumns columns;
  /** Per block, per reference row: ‖r‖² - 2·Σ_sparse baseline_j·r_j, the part of the squared distance fixed per row. */
  private final float[][] offsets;
  /** The reference rows' dense columns, a matrix per block (none when every column is sparse). */
  private final INDArray[] blocks;
  /** Per block: its rows' values in each sparse column ({@link SparseColumns#sparseValues(int, int)}). */
  private final float[][][] sparseBlocks;
  /** One scored row's squared distances to a block. */
  private final float[] distances = new float[BLOCK_ROWS];
  private final java.util.Map<Long, INDArray> productBuffers = new java.util.HashMap<>();

  KnnScorer(float[] reference, int rows, int width) {
    this.reference = reference;
    this.rows = rows;
    this.width = width;
    columns = SparseColumns.of(reference, rows, width);
    float[] norms = squaredNorms(reference, rows, width);
    int blockCount = (rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
    offsets = new float[blockCount][];
    sparseBlocks = new float[blockCount][][];
    blocks = new INDArray[columns.dense.length == 0 ? 0 : blockCount];
    for (int b = 0; b < blockCount; b++) {
      int from = b * BLOCK_ROWS;
      int size = Math.min(BLOCK_ROWS, rows - from);
      offsets[b] = new float[size];
      for (int r = 0; r < size; r++) {
        offsets[b][r] = norms[from + r] - 2f * columns.baselineProducts[from + r];
      }
      sparseBlocks[b] = columns.sparseValues(from, size);
      if (blocks.length > 0) {
        blocks[b] = Nd4jArrays.matrix(columns.denseOf(reference, from, size, width), size, columns.dense.length);
      }
    }
  }

  /** The reference set as bytes: rows, width, then the row-major floats (little-endian). */
  static byte[] toBytes(float[] reference, int rows, int width) {
    ByteBuffer out = ByteBuffer.allocate(8 + 4 * reference.length).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(rows).putInt(width).asFloatBuffer().put(reference);
    return out.array();
  }

  static float[] referenceOf(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int rows = in.getInt();
    int width = in.getInt();
    float[] reference = new float[rows * width];
    in.asFloatBuffer().get(reference);
    return reference;
  }

  static KnnScorer fromBytes(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int rows = in.getInt();
    int width = in.getInt();
    return new KnnScorer(referenceOf(bytes), rows, width);
  }

  /**
   * Scores a batch {@code x} (FLOAT, one row per scored row): the distance to the k-th nearest reference row,
   * or the mean over the k nearest; with {@code skipNearest} the nearest reference row of each scored row is
   * left out first (a training row scored against a reference set that holds it). Contributions, when asked
   * for: each feature's squared difference to the mean of the k neighbours.
   */
  BatchScoring.Scores score(INDArray x, int k, boolean mean, boolean skipNearest, boolean explain) {
    return score(x.dup('c').data().asFloat(), (int) x.rows(), k, mean, skipNearest, explain);
  }

  /** As above, on {@code n} row-major rows of {@code values}. */
  BatchScoring.Scores score(float[] values, int n, int k, boolean mean, boolean skipNearest, boolean explain) {
    int skip = skipNearest ? 1 : 0;
    int count = Math.min(k + skip, rows);
    int[] nearest = candidates(values, n, count);
    double[] scores = new double[n];
    float[] contributions = explain ? new float[n * width] : null;
    double[] distances = new double[count];
    Integer[] order = new Integer[count];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < count; c++) {
        distances[c] = exactDistance(values, i, nearest[i * count + c]);
        order[c] = c;
      }
      Arrays.sort(order, (a, b) -> Double.compare(distances[a], distances[b]));
      int used = Math.max(count - skip, 1);
      double sum = 0;
      for (int c = skip; c < skip + used && c < count; c++) {
        sum += distances[order[c]];
      }
      scores[i] = mean ? sum / used : distances[order[Math.min(skip + used, count) - 1]];
      if (explain) {
        for (int j = 0; j < width; j++) {
          double centre = 0;
          for (int c = skip; c < skip + used && c < count; c++) {
            centre += reference[nearest[i * count + order[c]] * width + j];
          }
          double diff = values[i * width + j] - centre / used;
          contributions[i * width + j] = (float) (diff * diff);
        }
      }
    }
    return new BatchScoring.Scores(scores, contributions);
  }

  /** For each scored row, the indices of its {@code count} nearest reference rows by the float products. */
  private int[] candidates(float[] values, int n, int count) {
    float[] xNorms = squaredNorms(values, n, width);
    float[] bestDistance = new float[n * count];
    Arrays.fill(bestDistance, Float.POSITIVE_INFINITY);
    int[] best = new int[n * count];
    int denseWidth = columns.dense.length;
    for (int from = 0; from < n; from += CHUNK_ROWS) {
      int chunkRows = Math.min(CHUNK_ROWS, n - from);
      INDArray chunk = denseWidth == 0 ? null
          : Nd4jArrays.matrix(columns.denseOf(values, from, chunkRows, width), chunkRows, denseWidth);
      for (int offset = 0, b = 0; offset < rows; offset += BLOCK_ROWS, b++) {
        int size = Math.min(BLOCK_ROWS, rows - offset);
        // (size x chunkRows) in column order: the products of scored row c lie contiguously at c * size.
        FloatBuffer products = null;
        if (chunk != null) {
          INDArray out = productBuffer(size, chunkRows);
          Nd4j.gemm(blocks[b], chunk, out, false, true, -2.0, 0.0);
          products = out.data().asNioFloat();
        }
        float[] blockOffsets = offsets[b];
        for (int c = 0; c < chunkRows; c++) {
          int i = from + c;
          // the row's distances in a scratch row read from index 0, so that C2 makes SIMD of the adds
          if (products == null) {
            Arrays.fill(distances, 0, size, 0f);
          } else {
            products.get(c * size, distances, 0, size);
          }
          columns.addSparseProducts(values, i, width, -2f, sparseBlocks[b], distances, size);
          float xNorm = xNorms[i];
          for (int r = 0; r < size; r++) {
            distances[r] += xNorm + blockOffsets[r];
          }
          int top = i * count;
          float worst = bestDistance[top + count - 1];
          for (int r = 0; r < size; r++) {
            float d = distances[r];
            if (d < worst) {
              int at = count - 1;
              while (at > 0 && bestDistance[top + at - 1] > d) {
                bestDistance[top + at] = bestDistance[top + at - 1];
                best[top + at] = best[top + at - 1];
                at--;
              }
              bestDistance[top + at] = d;
              best[top + at] = offset + r;
              worst = bestDistance[top + count - 1];
            }
          }
        }
      }
    }
    return best;
  }

  /** Each row's squared norm, summed in double, of {@code rows} row-major rows of {@code width} values. */
  private static float[] squaredNorms(float[] flat, int rows, int width) {
    float[] norms = new float[rows];
    for (int r = 0; r < rows; r++) {
      double s = 0;
      for (int j = 0; j < width; j++) {
        float v = flat[r * width + j];
        s += v * v;
      }
      norms[r] = (float) s;
    }
    return norms;
  }

  /** A product buffer of this shape (BLAS writes into it; kept between batches, one per shape in use). */
  private INDArray productBuffer(int size, int n) {
    long key = ((long) size << 32) | n;
    INDArray buffer = productBuffers.get(key);
    if (buffer == null) {
      if (productBuffers.size() >= 4) {
        productBuffers.clear();
      }
      buffer = Nd4j.createUninitialized(DataType.FLOAT, new long[] {size, n}, 'f');
      productBuffers.put(key, buffer);
    }
    return buffer;
  }

  private double exactDistance(float[] values, int row, int referenceRow) {
    double s = 0;
    int a = row * width;
    int b = referenceRow * width;
    for (int j = 0; j < width; j++) {
      double d = (double) values[a + j] - reference[b + j];
      s += d * d;
    }
    return Math.sqrt(s);
  }
}

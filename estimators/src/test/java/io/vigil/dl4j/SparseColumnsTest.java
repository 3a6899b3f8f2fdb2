package io.vigil.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SparseColumnsTest {

  /**
   * Stored vectors of a dense column, a mostly-zero count, a one-hot block of three (its most frequent slot hot) and
   * a column where no value holds 80% of them.
   */
  static float[] oneHotRows(Random rnd, int count) {
    float[] v = new float[count * 6];
    for (int i = 0; i < count; i++) {
      v[i * 6] = (float) rnd.nextGaussian();
      v[i * 6 + 1] = rnd.nextDouble() < 0.1 ? 3f : 0f;
      int hot = rnd.nextDouble() < 0.9 ? 0 : 1 + rnd.nextInt(2);
      v[i * 6 + 2 + hot] = 1f;
      v[i * 6 + 5] = rnd.nextDouble() < 0.5 ? 0f : 1f;
    }
    return v;
  }

  @Test
  void givenOneHotAndMostlyZeroColumns_whenSplit_thenThoseAreSparseAroundTheirMajorityValue() {
    SparseColumns split = SparseColumns.of(oneHotRows(new Random(1), 500), 500, 6);
    assertArrayEquals(new int[] {0, 5}, split.dense);
    assertArrayEquals(new int[] {1, 2, 3, 4}, split.sparse);
    assertArrayEquals(new float[] {0f, 1f, 0f, 0f}, split.baseline);
  }

  @Test
  void givenAnyRow_whenProductsAreDensePlusBaselinePlusSparseTerms_thenTheyAreTheDirectDotProducts() {
    Random rnd = new Random(2);
    int count = 300;
    int width = 6;
    float[] stored = oneHotRows(rnd, count);
    SparseColumns split = SparseColumns.of(stored, count, width);
    // rows like the stored ones, and rows that differ from the baseline in every sparse column
    float[] x = oneHotRows(rnd, 40);
    for (int i = 20; i < 40; i++) {
      for (int j = 1; j < 5; j++) {
        x[i * width + j] = (float) rnd.nextGaussian();
      }
    }
    float[] products = new float[count];
    for (int i = 0; i < 40; i++) {
      float[] dense = split.denseOf(x, i, 1, width);
      for (int s = 0; s < count; s++) {
        double d = split.baselineProducts[s];
        for (int k = 0; k < dense.length; k++) {
          d += dense[k] * stored[s * width + split.dense[k]];
        }
        products[s] = (float) d;
      }
      split.addSparseProducts(x, i, width, 1f, split.sparseValues, products, count);
      for (int s = 0; s < count; s++) {
        double direct = 0;
        for (int j = 0; j < width; j++) {
          direct += (double) x[i * width + j] * stored[s * width + j];
        }
        assertEquals(direct, products[s], 1e-5 * Math.max(1, Math.abs(direct)), "row " + i + " vector " + s);
      }
      // a block of the stored vectors: the same products
      float[] block = new float[100];
      for (int s = 0; s < 100; s++) {
        block[s] = products[100 + s];
      }
      float[] blockProducts = java.util.Arrays.copyOfRange(products, 100, 200);
      for (int s = 0; s < 100; s++) {
        double d = split.baselineProducts[100 + s];
        for (int k = 0; k < dense.length; k++) {
          d += dense[k] * stored[(100 + s) * width + split.dense[k]];
        }
        blockProducts[s] = (float) d;
      }
      split.addSparseProducts(x, i, width, 1f, split.sparseValues(100, 100), blockProducts, 100);
      assertArrayEquals(block, blockProducts, 1e-5f, "row " + i);
    }
  }
}

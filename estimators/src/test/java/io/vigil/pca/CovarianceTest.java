package io.vigil.pca;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CovarianceTest {

  @Test
  void givenSymmetricMatrix_whenDecomposed_thenVectorsAreOrthonormalAndReconstructIt() {
    Random rnd = new Random(3);
    int n = 12;
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        a[i][j] = rnd.nextGaussian();
        a[j][i] = a[i][j];
      }
    }
    double[][] copy = new double[n][];
    for (int i = 0; i < n; i++) {
      copy[i] = a[i].clone();
    }
    double[][] v = new double[n][n];
    double[] values = Covariance.symmetricEigen(copy, v);
    for (int j = 1; j < n; j++) {
      assertEquals(true, values[j - 1] >= values[j], "descending");
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double dot = 0;
        double rebuilt = 0;
        for (int k = 0; k < n; k++) {
          dot += v[i][k] * v[j][k];
          rebuilt += v[k][i] * values[k] * v[k][j];
        }
        assertEquals(i == j ? 1.0 : 0.0, dot, 1e-10);
        assertEquals(a[i][j], rebuilt, 1e-10);
      }
    }
  }
}

package io.vigil.pca;

import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;

/**
 * Mean, covariance and its eigendecomposition, computed so that the same rows in the same partitions
 * always give bit-identical results: each partition's sums are collected in partition order and added
 * on the driver in that order. (Spark's treeAggregate merges partition results in task-completion
 * order, so its floating-point sums, and RowMatrix's PCA, vary in the last bits from run to run.)
 * The covariance is accumulated from centred rows in a second pass, which avoids the cancellation of
 * the one-pass sum-of-squares formula.
 */
final class Covariance {

  /** Per-partition partial sums are d(d+1)/2 doubles; cap what reaches the driver at once. */
  private static final long MAX_COLLECTED_DOUBLES = 16L << 20;

  final long count;
  final double[] mean;
  /** Eigenvalues of the covariance, descending. */
  final double[] eigenvalues;
  /** Eigenvectors, row j belongs to eigenvalues[j]. */
  final double[][] eigenvectors;

  private Covariance(long count, double[] mean, double[] eigenvalues, double[][] eigenvectors) {
    this.count = count;
    this.mean = mean;
    this.eigenvalues = eigenvalues;
    this.eigenvectors = eigenvectors;
  }

  static Covariance of(JavaRDD<double[]> rows, int d) {
    int triangle = d * (d + 1) / 2;
    int parts = rows.getNumPartitions();
    int maxParts = (int) Math.max(1, Math.min(parts, MAX_COLLECTED_DOUBLES / triangle));
    // coalesce without a shuffle groups neighbouring partitions: deterministic.
    JavaRDD<double[]> input = maxParts < parts ? rows.coalesce(maxParts, false) : rows;

    double[] sum = new double[d + 1];
    for (double[] part : input.mapPartitions(it -> {
      double[] s = new double[d + 1];
      while (it.hasNext()) {
        double[] x = it.next();
        for (int i = 0; i < d; i++) {
          s[i] += x[i];
        }
        s[d]++;
      }
      return Collections.singletonList(s).iterator();
    }).collect()) {
      for (int i = 0; i <= d; i++) {
        sum[i] += part[i];
      }
    }
    long n = (long) sum[d];
    double[] mean = new double[d];
    for (int i = 0; i < d; i++) {
      mean[i] = sum[i] / n;
    }

    double[] scatter = new double[triangle];
    List<double[]> partials = input.mapPartitions(it -> {
      double[] c = new double[triangle];
      double[] z = new double[d];
      while (it.hasNext()) {
        double[] x = it.next();
        for (int i = 0; i < d; i++) {
          z[i] = x[i] - mean[i];
        }
        int k = 0;
        for (int i = 0; i < d; i++) {
          double zi = z[i];
          for (int j = i; j < d; j++) {
            c[k++] += zi * z[j];
          }
        }
      }
      return Collections.singletonList(c).iterator();
    }).collect();
    for (double[] c : partials) {
      for (int k = 0; k < triangle; k++) {
        scatter[k] += c[k];
      }
    }
    double[][] cov = new double[d][d];
    int k = 0;
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        cov[i][j] = scatter[k] / (n - 1);
        cov[j][i] = cov[i][j];
        k++;
      }
    }
    double[][] vectors = new double[d][d];
    double[] values = symmetricEigen(cov, vectors);
    return new Covariance(n, mean, values, vectors);
  }

  /**
   * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations (exact to rounding, and
   * deterministic; d is the feature width, so O(d^3) per sweep is cheap). {@code a} is destroyed.
   * Returns eigenvalues in descending order; row j of {@code vectorsOut} is the unit eigenvector of
   * eigenvalue j.
   */
  static double[] symmetricEigen(double[][] a, double[][] vectorsOut) {
    int n = a.length;
    double[][] v = new double[n][n];
    for (int i = 0; i < n; i++) {
      v[i][i] = 1;
    }
    double scale = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        scale += a[i][j] * a[i][j];
      }
    }
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          off += a[p][q] * a[p][q];
        }
      }
      if (off <= 1e-30 * scale || off == 0) {
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          double apq = a[p][q];
          if (apq == 0) {
            continue;
          }
          double theta = (a[q][q] - a[p][p]) / (2 * apq);
          double t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < n; k++) { // A <- A J (columns p, q)
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
          }
          for (int k = 0; k < n; k++) { // A <- J' A (rows p, q)
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
          for (int k = 0; k < n; k++) { // V <- V J
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
          }
        }
      }
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x]));
    double[] values = new double[n];
    for (int j = 0; j < n; j++) {
      int col = order[j];
      values[j] = a[col][col];
      for (int i = 0; i < n; i++) {
        vectorsOut[j][i] = v[i][col];
      }
    }
    return values;
  }
}

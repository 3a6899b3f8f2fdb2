package io.vigil.pca;

import java.io.Serializable;

/**
 * The fitted subspace and the score arithmetic, kept apart from Spark so that it ships to executors
 * as a few arrays. Components are stored row-major (k rows of width d) for cache-friendly dot products.
 */
final class PcaScorer implements Serializable {

  /** Floor for variances we divide by, relative to the total variance: a zero-variance direction in
   * the training data must not turn into an infinite score. */
  static final double VARIANCE_FLOOR = 1e-9;

  final double[] mean;
  final double[][] components;
  final double[] eigenvalues;
  final double residualVariance;
  final boolean withMahalanobis;

  /**
   * @param shrinkage with the Mahalanobis term: s in [0, 1], every variance divided by becomes
   *     (1 - s) variance + s (the mean variance over all d directions); 0 = probabilistic PCA's
   */
  PcaScorer(double[] mean, double[][] components, double[] eigenvalues, double residualVariance,
      boolean withMahalanobis, double shrinkage) {
    this.mean = mean;
    this.components = components;
    this.withMahalanobis = withMahalanobis;
    int d = mean.length;
    double total = residualVariance * (d - components.length);
    for (double v : eigenvalues) {
      total += v;
    }
    double meanVariance = total / d;
    this.eigenvalues = new double[eigenvalues.length];
    for (int j = 0; j < eigenvalues.length; j++) {
      this.eigenvalues[j] = (1 - shrinkage) * eigenvalues[j] + shrinkage * meanVariance;
    }
    this.residualVariance = (1 - shrinkage) * residualVariance + shrinkage * meanVariance;
  }

  /**
   * Each feature's share of the score; the shares are >= 0 and sum to it. Reconstruction: the squared residual
   * (x - mean - V V'(x - mean))_i^2. With the Mahalanobis term the score is z' M z (z = x - mean, M = V S^-1 V' +
   * (I - V V') / r), and the shares are the squared entries of M^(1/2) z = V S^(-1/2) y + (z - V y) / sqrt(r):
   * the row whitened in the feature basis.
   */
  double[] contributions(double[] x) {
    int d = mean.length;
    double[] centered = new double[d];
    for (int i = 0; i < d; i++) {
      centered[i] = x[i] - mean[i];
    }
    double[] residual = centered.clone();
    double[] whitened = new double[d];
    for (int j = 0; j < components.length; j++) {
      double[] pc = components[j];
      double y = 0;
      for (int i = 0; i < d; i++) {
        y += pc[i] * centered[i];
      }
      double scaled = y / Math.sqrt(eigenvalues[j]);
      for (int i = 0; i < d; i++) {
        residual[i] -= y * pc[i];
        whitened[i] += scaled * pc[i];
      }
    }
    double[] out = new double[d];
    boolean exact = components.length == d;
    for (int i = 0; i < d; i++) {
      double r = exact ? 0.0 : residual[i];
      if (withMahalanobis) {
        double w = whitened[i] + r / Math.sqrt(residualVariance);
        out[i] = w * w;
      } else {
        out[i] = r * r;
      }
    }
    return out;
  }

  /** The score of one row (its width is checked by the caller). */
  double score(double[] x) {
    int d = mean.length;
    double[] centered = new double[d];
    double norm2 = 0;
    for (int i = 0; i < d; i++) {
      centered[i] = x[i] - mean[i];
      norm2 += centered[i] * centered[i];
    }
    double projected2 = 0;
    double mahalanobis = 0;
    for (int j = 0; j < components.length; j++) {
      double[] pc = components[j];
      double y = 0;
      for (int i = 0; i < d; i++) {
        y += pc[i] * centered[i];
      }
      projected2 += y * y;
      mahalanobis += y * y / eigenvalues[j];
    }
    // ||x - VV'x||^2 = ||x||^2 - ||V'x||^2 for orthonormal V; clamp the rounding error below zero. With every
    // component kept the subspace is the whole space: the reconstruction is exact, 0 rather than rounding noise.
    double reconstruction = components.length == d ? 0.0 : Math.max(0.0, norm2 - projected2);
    return withMahalanobis ? reconstruction / residualVariance + mahalanobis : reconstruction;
  }
}

package io.vigil.ocsvm;

import java.io.Serializable;

/**
 * One trained one-class SVM: decision f(x) = sum_i w_i exp(-gamma |x - v_i|^2) + b, positive inside
 * the learned support (LIBSVM's sign: positive = inlier).
 */
final class SvmMember implements Serializable {

  final double[][] vectors;
  final double[] weights;
  final double intercept;
  /** |v_i|^2, so |x - v_i|^2 = |x|^2 + |v_i|^2 - 2 x.v_i costs one dot product. */
  final double[] squaredNorms;

  SvmMember(double[][] vectors, double[] weights, double intercept) {
    if (vectors.length != weights.length) {
      throw new IllegalArgumentException("An SVM member has " + vectors.length + " support vectors but "
          + weights.length + " weights.");
    }
    this.vectors = vectors;
    this.weights = weights;
    this.intercept = intercept;
    this.squaredNorms = new double[vectors.length];
    for (int i = 0; i < vectors.length; i++) {
      squaredNorms[i] = dot(vectors[i], vectors[i]);
    }
  }

  double decision(double[] x, double xNorm2, double gamma) {
    double f = intercept;
    for (int i = 0; i < vectors.length; i++) {
      double d2 = Math.max(0.0, xNorm2 + squaredNorms[i] - 2 * dot(x, vectors[i]));
      f += weights[i] * Math.exp(-gamma * d2);
    }
    return f;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}

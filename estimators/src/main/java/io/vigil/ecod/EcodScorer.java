package io.vigil.ecod;

import java.io.Serializable;
import java.util.Arrays;

/**
 * ECOD's arithmetic on a fitted model: per feature, the training rows' empirical distribution as a grid of
 * quantiles ({@link #PROBABILITIES}, dense in the tails), from which a value's left tail P(X <= x) and right
 * tail P(X >= x) are read by linear interpolation between grid points. A row's score is PyOD's:
 * {@code sum_j max(U_l, U_r, U_skew)} with {@code U_l = -ln P(X_j <= x_j)}, {@code U_r = -ln P(X_j >= x_j)},
 * and {@code U_skew} the tail the feature's training skewness points to ({@code U_l + U_r} for a symmetric one).
 * Values beyond the training range get the tail probability 1 / (n + 1), as if they were one row more.
 */
final class EcodScorer implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The grid's probabilities: the minimum, dense tails, every 0.001 in between, and the maximum. */
  static final double[] PROBABILITIES = grid();

  /** A feature with at most this many distinct grid values (a one-hot slot, a flag, a small count) is discrete. */
  static final int MAX_DISCRETE_VALUES = 8;

  private final double[][] quantiles;
  private final double[] skewSigns;
  private final double floor;
  /**
   * Per discrete feature, its distinct grid values and their terms, precomputed; null for other features. A row's
   * value of such a feature is nearly always one of them (a one-hot slot is its cold or hot value), and its term is
   * then read instead of found by two searches of the grid and two logarithms: the same number, as it is computed by
   * the same {@link #term}.
   */
  private final double[][] discreteValues;
  private final double[][] discreteTerms;

  EcodScorer(double[][] quantiles, double[] skewSigns, long numRows) {
    this.quantiles = quantiles;
    this.skewSigns = skewSigns;
    this.floor = 1.0 / (numRows + 1);
    this.discreteValues = new double[quantiles.length][];
    this.discreteTerms = new double[quantiles.length][];
    for (int j = 0; j < quantiles.length; j++) {
      double[] distinct = Arrays.stream(quantiles[j]).distinct().limit(MAX_DISCRETE_VALUES + 1L).toArray();
      if (distinct.length <= MAX_DISCRETE_VALUES) {
        discreteValues[j] = distinct;
        discreteTerms[j] = new double[distinct.length];
        for (int v = 0; v < distinct.length; v++) {
          discreteTerms[j][v] = gridTerm(j, distinct[v]);
        }
      }
    }
  }

  private static double[] grid() {
    double[] tails = {1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4};
    double[] p = new double[2 + 2 * tails.length + 999];
    int at = 0;
    p[at++] = 0.0;
    for (double t : tails) {
      p[at++] = t;
    }
    for (int i = 1; i <= 999; i++) {
      p[at++] = i / 1000.0;
    }
    for (int t = tails.length - 1; t >= 0; t--) {
      p[at++] = 1.0 - tails[t];
    }
    p[at] = 1.0;
    return p;
  }

  /** The row's score. */
  double score(double[] x) {
    double s = 0;
    for (int j = 0; j < x.length; j++) {
      s += term(j, x[j]);
    }
    return s;
  }

  /** Each feature's term of the score: the explanation (the terms sum to the score). */
  double[] terms(double[] x) {
    double[] t = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      t[j] = term(j, x[j]);
    }
    return t;
  }

  private double term(int j, double x) {
    double[] values = discreteValues[j];
    if (values != null) {
      for (int v = 0; v < values.length; v++) {
        if (values[v] == x) {
          return discreteTerms[j][v];
        }
      }
    }
    return gridTerm(j, x);
  }

  /** Feature j's term for value x, from its grid. */
  private double gridTerm(int j, double x) {
    double left = -Math.log(atOrBelow(quantiles[j], x));
    double right = -Math.log(atOrAbove(quantiles[j], x));
    double skewed = skewSigns[j] < 0 ? left : skewSigns[j] > 0 ? right : left + right;
    return Math.max(skewed, Math.max(left, right));
  }

  /** P(X <= x) from the grid {@code q} (non-decreasing, at {@link #PROBABILITIES}). */
  double atOrBelow(double[] q, double x) {
    int last = q.length - 1;
    if (x < q[0]) {
      return floor;
    }
    if (x >= q[last]) {
      return 1.0;
    }
    int i = lastAtOrBelow(q, x);
    double p = PROBABILITIES[i];
    if (q[i + 1] > x && q[i] < x) {
      p += (PROBABILITIES[i + 1] - p) * (x - q[i]) / (q[i + 1] - q[i]);
    }
    return Math.max(p, floor);
  }

  /** P(X >= x) from the grid, the mirror image of {@link #atOrBelow}. */
  double atOrAbove(double[] q, double x) {
    int last = q.length - 1;
    if (x > q[last]) {
      return floor;
    }
    if (x <= q[0]) {
      return 1.0;
    }
    int i = firstAtOrAbove(q, x);
    double p = 1.0 - PROBABILITIES[i];
    if (q[i - 1] < x && q[i] > x) {
      p += (PROBABILITIES[i] - PROBABILITIES[i - 1]) * (q[i] - x) / (q[i] - q[i - 1]);
    }
    return Math.max(p, floor);
  }

  /** The last index i with q[i] <= x (q[0] <= x < q[last] holds). */
  private static int lastAtOrBelow(double[] q, double x) {
    int lo = 0;
    int hi = q.length - 1;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (q[mid] <= x) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The first index i with q[i] >= x (q[0] < x <= q[last] holds). */
  private static int firstAtOrAbove(double[] q, double x) {
    int lo = 0;
    int hi = q.length - 1;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (q[mid] >= x) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  double[][] quantiles() {
    return Arrays.stream(quantiles).map(double[]::clone).toArray(double[][]::new);
  }

  double[] skewSigns() {
    return skewSigns.clone();
  }
}

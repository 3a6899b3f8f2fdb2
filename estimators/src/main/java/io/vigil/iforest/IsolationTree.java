package io.vigil.iforest;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Random;

/**
 * One isolation tree (Liu, Ting and Zhou, "Isolation Forest", ICDM 2008) as flat node arrays, so it
 * is stored as plain Parquet data: node i is a leaf when {@code feature[i] < 0}, else rows with
 * {@code x[feature[i]] < split[i]} go to {@code left[i]}, the others to {@code right[i]}.
 */
public final class IsolationTree implements Serializable {

  private static final double EULER_GAMMA = 0.5772156649015329;

  final int[] feature;
  final double[] split;
  final int[] left;
  final int[] right;
  /** Training rows that reached a leaf (0 for inner nodes). */
  final int[] leafSize;
  /**
   * Each leaf's path length, its depth + c(leaf size), computed once: scoring a row is then the walk to its
   * leaf and one array read (no logarithm per tree per row).
   */
  final double[] leafPathLength;
  /** The deepest leaf's depth (edges from the root). */
  final int height;

  IsolationTree(int[] feature, double[] split, int[] left, int[] right, int[] leafSize) {
    int n = feature.length;
    if (split.length != n || left.length != n || right.length != n || leafSize.length != n) {
      throw new IllegalArgumentException("Isolation tree arrays differ in length: " + n + ", " + split.length
          + ", " + left.length + ", " + right.length + ", " + leafSize.length + ".");
    }
    this.feature = feature;
    this.split = split;
    this.left = left;
    this.right = right;
    this.leafSize = leafSize;
    this.leafPathLength = new double[n];
    int deepest = 0;
    if (n > 0) {
      int[] depth = new int[n];
      int[] stack = new int[n];
      int top = 0;
      stack[top++] = 0;
      while (top > 0) {
        int node = stack[--top];
        if (feature[node] >= 0) {
          depth[left[node]] = depth[node] + 1;
          depth[right[node]] = depth[node] + 1;
          stack[top++] = left[node];
          stack[top++] = right[node];
        } else {
          leafPathLength[node] = depth[node] + averagePathLength(leafSize[node]);
          deepest = Math.max(deepest, depth[node]);
        }
      }
    }
    this.height = deepest;
  }

  /** Average path length of an unsuccessful search in a binary search tree of n nodes: c(n). */
  public static double averagePathLength(long n) {
    if (n <= 1) {
      return 0.0;
    }
    if (n == 2) {
      return 1.0;
    }
    return 2.0 * (Math.log(n - 1.0) + EULER_GAMMA) - 2.0 * (n - 1.0) / n;
  }

  /** Path length of x: edges to its leaf plus c(leaf size) for the subtree not grown. */
  double pathLength(double[] x) {
    int node = 0;
    while (feature[node] >= 0) {
      node = x[feature[node]] < split[node] ? left[node] : right[node];
    }
    return leafPathLength[node];
  }

  /**
   * The distinct features x's path tests, written to {@code tested[0 .. count)}; returns count.
   * {@code seen} is scratch space (one flag per feature), all false on entry and on exit.
   */
  int featuresOnPath(double[] x, boolean[] seen, int[] tested) {
    int count = 0;
    for (int node = 0; feature[node] >= 0; node = x[feature[node]] < split[node] ? left[node] : right[node]) {
      int f = feature[node];
      if (!seen[f]) {
        seen[f] = true;
        tested[count++] = f;
      }
    }
    for (int u = 0; u < count; u++) {
      seen[tested[u]] = false;
    }
    return count;
  }

  int size() {
    return feature.length;
  }

  /**
   * Grows a tree on {@code rows} (all of it, already subsampled) up to {@code heightLimit}, splitting
   * on features drawn from {@code features}.
   */
  static IsolationTree grow(double[][] rows, int[] features, int heightLimit, Random rnd) {
    Builder b = new Builder(Math.max(1, 2 * rows.length));
    int[] index = new int[rows.length];
    for (int i = 0; i < index.length; i++) {
      index[i] = i;
    }
    b.grow(rows, index, 0, index.length, 0, features, heightLimit, rnd);
    return b.build();
  }

  private static final class Builder {
    int[] feature;
    double[] split;
    int[] left;
    int[] right;
    int[] leafSize;
    int count;

    Builder(int capacity) {
      feature = new int[capacity];
      split = new double[capacity];
      left = new int[capacity];
      right = new int[capacity];
      leafSize = new int[capacity];
    }

    int grow(double[][] rows, int[] index, int from, int to, int depth, int[] features, int heightLimit,
        Random rnd) {
      int node = count++;
      ensureCapacity();
      int n = to - from;
      if (depth >= heightLimit || n <= 1) {
        return leaf(node, n);
      }
      // Pick a feature that is not constant on these rows (try each at most once, in random order).
      int[] order = features.clone();
      for (int i = order.length - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (int f : order) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
          double v = rows[index[i]][f];
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
        if (max > min) {
          double s = min + rnd.nextDouble() * (max - min);
          if (s <= min) {
            s = Math.nextUp(min); // keep both sides non-empty
          }
          int mid = partition(rows, index, from, to, f, s);
          feature[node] = f;
          split[node] = s;
          int l = grow(rows, index, from, mid, depth + 1, features, heightLimit, rnd);
          int r = grow(rows, index, mid, to, depth + 1, features, heightLimit, rnd);
          left[node] = l;
          right[node] = r;
          return node;
        }
      }
      return leaf(node, n); // all candidate features constant: the rows cannot be separated
    }

    int leaf(int node, int n) {
      feature[node] = -1;
      leafSize[node] = n;
      return node;
    }

    static int partition(double[][] rows, int[] index, int from, int to, int f, double s) {
      int i = from;
      int j = to - 1;
      while (i <= j) {
        if (rows[index[i]][f] < s) {
          i++;
        } else {
          int t = index[i];
          index[i] = index[j];
          index[j] = t;
          j--;
        }
      }
      return i;
    }

    void ensureCapacity() {
      if (count > feature.length) {
        int c = feature.length * 2;
        feature = Arrays.copyOf(feature, c);
        split = Arrays.copyOf(split, c);
        left = Arrays.copyOf(left, c);
        right = Arrays.copyOf(right, c);
        leafSize = Arrays.copyOf(leafSize, c);
      }
    }

    IsolationTree build() {
      return new IsolationTree(Arrays.copyOf(feature, count), Arrays.copyOf(split, count), Arrays.copyOf(left, count),
          Arrays.copyOf(right, count), Arrays.copyOf(leafSize, count));
    }
  }
}

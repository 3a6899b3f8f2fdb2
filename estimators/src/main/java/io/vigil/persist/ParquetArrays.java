package io.vigil.persist;

import java.util.ArrayList;
import java.util.List;

/** Conversions between Java arrays and the array columns of model data in Parquet. */
public final class ParquetArrays {

  private ParquetArrays() {}

  public static List<Integer> boxed(int[] a) {
    List<Integer> out = new ArrayList<>(a.length);
    for (int v : a) {
      out.add(v);
    }
    return out;
  }

  public static List<Double> boxed(double[] a) {
    List<Double> out = new ArrayList<>(a.length);
    for (double v : a) {
      out.add(v);
    }
    return out;
  }

  /** An array&lt;int&gt; cell: a java.util.List from Row.getList, or a Scala Seq when nested. */
  public static int[] ints(Object cell) {
    return list(cell).stream().mapToInt(v -> ((Number) v).intValue()).toArray();
  }

  /** An array&lt;double&gt; cell: a java.util.List from Row.getList, or a Scala Seq when nested. */
  public static double[] doubles(Object cell) {
    return list(cell).stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object cell) {
    return cell instanceof List ? (List<Object>) cell
        : scala.collection.JavaConverters.seqAsJavaList((scala.collection.Seq<Object>) cell);
  }
}

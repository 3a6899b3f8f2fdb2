package io.vigil.knn;

import io.vigil.core.AnomalyDetector;
import io.vigil.dl4j.Nd4jArrays;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * k-nearest-neighbour distance detector (Ramaswamy et al. 2000; PyOD's {@code KNN}): the training rows are the
 * model of normal behaviour, and a row's score is its Euclidean distance to the k-th nearest of them
 * ({@code method = largest}) or the mean distance to the k nearest ({@code mean}).
 *
 * <p>The reference set is every training row up to {@code maxReference}, beyond that a seeded sample of that
 * many (the model records how many it kept). It is collected to the driver once and broadcast to every
 * executor, so its size is bounded by the driver's and each executor's memory: maxReference x width x 4 bytes
 * (100,000 rows of 122 features: 49 MB), twice on an executor (the bytes and one copy per task thread).
 * Scoring costs one matrix product per block of reference rows: rows x reference rows x width multiply-adds.
 *
 * <p>Each training row's own score (for the label-free threshold and the drift baseline) leaves the row itself
 * out, as PyOD's does ({@link KnnModel#scoreTrainingRows}): scored against a reference that holds it, its nearest
 * neighbour would be itself at distance 0. With a sampled reference set (more training rows than maxReference)
 * every row is scored as a fresh one: the sampled share of them, maxReference / rows, scores lower than it would.
 */
public class KnnDetector extends AnomalyDetector<KnnModel, KnnDetector> implements KnnParams {

  public KnnDetector() { super(null); }

  /** The constructor Spark's copy and load call. */
  public KnnDetector(String uid) { super(uid); }

  public KnnDetector setK(int value) { return setParam(k(), value); }
  public KnnDetector setMethod(String value) { return setParam(method(), value); }
  public KnnDetector setMaxReference(int value) { return setParam(maxReference(), value); }
  public KnnDetector setSeed(long value) { return setParam(seed(), value); }

  @Override
  protected KnnModel train(Dataset<Row> features, long numRows) {
    if (numRows <= getK()) {
      throw new IllegalArgumentException(String.format("knn needs more training rows than k = %d (each row's own"
          + " score looks at k others), got %d; use a smaller knn.k or more rows.", getK(), numRows));
    }
    Dataset<Row> kept = features;
    if (numRows > getMaxReference()) {
      // a little over the share, then cut: sample() draws each row independently
      double share = Math.min(1.0, 1.1 * getMaxReference() / numRows);
      kept = features.sample(false, share, getSeed()).limit(getMaxReference());
    }
    java.util.List<float[]> rows = kept.javaRDD().map(r -> Nd4jArrays.toFloats(((Vector) r.get(0)).toArray()))
        .collect();
    int width = rows.get(0).length;
    float[] reference = new float[rows.size() * width];
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).length != width) {
        throw new IllegalArgumentException(String.format("Column '%s' holds vectors of widths %d and %d; every"
            + " training row must have the same width.", getFeaturesCol(), width, rows.get(i).length));
      }
      System.arraycopy(rows.get(i), 0, reference, i * width, width);
    }
    return new KnnModel(uid(), reference, rows.size(), width);
  }

  public static MLReader<KnnDetector> read() { return new DefaultParamsReader<>(); }

  public static KnnDetector load(String path) { return read().load(path); }
}

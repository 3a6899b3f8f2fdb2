package io.vigil.pca;

import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import io.vigil.core.AnomalyDetector;

/**
 * PCA anomaly detector: the principal components of the (scaled) training rows are the model of normal
 * behaviour. By default a row's score is its Mahalanobis distance over the components (Shyu et al. 2003, "A
 * novel anomaly detection scheme based on principal component classifier": squared projections divided by
 * their variances), each variance shrunk halfway towards the mean variance, so that the smallest components,
 * whose variances are mostly noise, do not decide the score alone (bench/results/adbench-semi-pca.md has the
 * measurement behind the default); or its squared distance from the principal subspace, optionally plus the
 * Mahalanobis distance inside it.
 *
 * <p>Distributed: each partition sums its rows and their centred outer products on the executors;
 * only those d x d sums reach the driver, for a deterministic eigendecomposition ({@link Covariance}).
 */
public class PcaDetector extends AnomalyDetector<PcaModel, PcaDetector> implements PcaParams {

  public PcaDetector() { super(null); }

  /** The constructor Spark's copy and load call. */
  public PcaDetector(String uid) { super(uid); }

  public PcaDetector setK(int value) { return setParam(k(), value); }
  public PcaDetector setVarianceExplained(double value) { return setParam(varianceExplained(), value); }
  public PcaDetector setScoreMode(String value) { return setParam(scoreMode(), value); }
  public PcaDetector setShrinkage(double value) { return setParam(shrinkage(), value); }

  @Override
  protected PcaModel train(Dataset<Row> features, long numRows) {
    if (numRows < 2) {
      throw new IllegalArgumentException("PCA needs at least 2 training rows to estimate a covariance, got "
          + numRows + ".");
    }
    Covariance cov = Covariance.of(features.javaRDD()
        .map(r -> ((org.apache.spark.ml.linalg.Vector) r.get(0)).toArray()), widthOf(features));
    int d = cov.mean.length;
    double totalVariance = 0;
    for (double v : cov.eigenvalues) {
      totalVariance += Math.max(v, 0);
    }
    if (!(totalVariance > 0)) {
      throw new IllegalArgumentException("All " + numRows + " training rows have the same features (total"
          + " variance " + totalVariance + "); PCA has nothing to learn. Check the input and the scaler.");
    }
    double[] explained = new double[d];
    for (int j = 0; j < d; j++) {
      explained[j] = Math.max(cov.eigenvalues[j], 0) / totalVariance;
    }
    int kept = chooseK(explained);
    double[][] components = new double[kept][];
    double[] eigenvalues = new double[kept];
    double keptVariance = 0;
    for (int j = 0; j < kept; j++) {
      components[j] = cov.eigenvectors[j];
      keptVariance += Math.max(cov.eigenvalues[j], 0);
      eigenvalues[j] = Math.max(cov.eigenvalues[j], PcaScorer.VARIANCE_FLOOR * totalVariance);
    }
    double residual = kept < d ? (totalVariance - keptVariance) / (d - kept) : 0.0;
    residual = Math.max(residual, PcaScorer.VARIANCE_FLOOR * totalVariance);
    return new PcaModel(uid(), cov.mean, components, eigenvalues, residual, explained);
  }

  /** The vector width, from the column's ML attributes when present, else from the first row. */
  private int widthOf(Dataset<Row> features) {
    int size = org.apache.spark.ml.attribute.AttributeGroup.fromStructField(
        features.schema().apply(getFeaturesCol())).size();
    return size >= 0 ? size : ((org.apache.spark.ml.linalg.Vector) features.first().get(0)).size();
  }

  /** k as given (capped at d), or the fewest components whose explained variance reaches the target. */
  int chooseK(double[] explained) {
    int d = explained.length;
    if (getK() > 0) {
      return Math.min(getK(), d);
    }
    double cumulative = 0;
    for (int j = 0; j < d; j++) {
      cumulative += explained[j];
      // A small tolerance: explained variances come from an SVD and rarely sum to exactly 1.
      if (cumulative >= getVarianceExplained() - 1e-12) {
        return j + 1;
      }
    }
    return d;
  }

  public static MLReader<PcaDetector> read() { return new DefaultParamsReader<>(); }

  public static PcaDetector load(String path) { return read().load(path); }
}

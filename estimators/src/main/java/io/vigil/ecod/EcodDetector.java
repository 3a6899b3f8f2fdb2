package io.vigil.ecod;

import static org.apache.spark.sql.functions.col;

import io.vigil.core.AnomalyDetector;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * ECOD, empirical-cumulative-distribution outlier detection (Li, Zhao, Hu, Botta, Ionescu and Chen, "ECOD:
 * Unsupervised Outlier Detection Using Empirical Cumulative Distribution Functions", TKDE 2022): a row is
 * anomalous when its features lie far in their tails. No hyperparameters.
 *
 * <p>Fit on Spark: per feature, a grid of quantiles of the training rows (Spark's Greenwald-Khanna sketch,
 * relative rank error {@link #QUANTILE_RELATIVE_ERROR}, every feature in one pass) and the sign of its
 * skewness (one aggregate pass); only those reach the driver. Unlike PyOD's ECOD, which recomputes the
 * distributions over the training and the scored rows together, a fitted model scores every row against the
 * training rows alone, so a row's score does not depend on the rows scored with it.
 */
public class EcodDetector extends AnomalyDetector<EcodModel, EcodDetector> implements EcodParams {

  /** Rank error of the quantile sketch, relative to the training rows (exact below 10,000 rows). */
  public static final double QUANTILE_RELATIVE_ERROR = 1e-4;

  public EcodDetector() { super(null); }

  /** The constructor Spark's copy and load call. */
  public EcodDetector(String uid) { super(uid); }

  @Override
  protected EcodModel train(Dataset<Row> features, long numRows) {
    int width = ((org.apache.spark.ml.linalg.Vector) features.first().get(0)).size();
    Column array = org.apache.spark.ml.functions.vector_to_array(col("`" + getFeaturesCol() + "`"), "float64");
    String[] names = new String[width];
    Column[] columns = new Column[width];
    Column[] skews = new Column[width];
    for (int j = 0; j < width; j++) {
      names[j] = "f" + j;
      columns[j] = array.getItem(j).as(names[j]);
      skews[j] = org.apache.spark.sql.functions.skewness(col(names[j]));
    }
    Dataset<Row> split = features.select(columns);
    double[][] quantiles = split.stat().approxQuantile(names, EcodScorer.PROBABILITIES, QUANTILE_RELATIVE_ERROR);
    Row skew = split.agg(skews[0], java.util.Arrays.copyOfRange(skews, 1, width)).first();
    double[] signs = new double[width];
    for (int j = 0; j < width; j++) {
      // a constant feature has no skewness (null or NaN): treated as symmetric
      double s = skew.isNullAt(j) ? 0.0 : skew.getDouble(j);
      signs[j] = Double.isNaN(s) ? 0.0 : Math.signum(s);
    }
    return new EcodModel(uid(), quantiles, signs, numRows);
  }

  public static MLReader<EcodDetector> read() { return new DefaultParamsReader<>(); }

  public static EcodDetector load(String path) { return read().load(path); }
}

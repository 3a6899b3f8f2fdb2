package io.vigil.pca;


import io.vigil.core.AnomalyModel;
import io.vigil.core.FeatureBatchScorer;
import io.vigil.persist.ModelPersistence;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A fitted PCA detector: the training mean, the kept principal components and their variances. */
public class PcaModel extends AnomalyModel<PcaModel> implements PcaParams {

  private final double[] mean;
  private final double[][] components;
  private final double[] eigenvalues;
  private final double residualVariance;
  private final double[] explainedVariance;

  PcaModel(String uid, double[] mean, double[][] components, double[] eigenvalues, double residualVariance,
      double[] explainedVariance) {
    super(uid);
    this.mean = mean;
    this.components = components;
    this.eigenvalues = eigenvalues;
    this.residualVariance = residualVariance;
    this.explainedVariance = explainedVariance;
    set(numFeatures(), mean.length);
  }

  public PcaModel setScoreMode(String value) { return setParam(scoreMode(), value); }
  public PcaModel setShrinkage(double value) { return setParam(shrinkage(), value); }

  /** The number of principal components kept. */
  public int numComponents() {
    return components.length;
  }

  /** The explained-variance share of every component of the training data (not only the kept ones). */
  public double[] explainedVariance() {
    return explainedVariance.clone();
  }

  @Override
  protected Dataset<Row> score(Dataset<?> dataset) {
    return scoreEachRow(dataset, scorer(), PcaScorer::score, (pca, x, score) -> pca.contributions(x), false);
  }

  @Override
  public FeatureBatchScorer batchScorer(SparkSession spark) {
    return eachRow(spark, scorer(), PcaScorer::score);
  }

  private PcaScorer scorer() {
    String mode = getScoreMode();
    return new PcaScorer(mean, components, eigenvalues, residualVariance, !mode.equals(RECONSTRUCTION),
        mode.equals(SHRUNK_MAHALANOBIS) ? getShrinkage() : 0.0);
  }

  /** Each feature's squared reconstruction error (the reconstruction term's split over the features). */
  @Override public boolean explains() { return true; }

  @Override
  public PcaModel copy(ParamMap extra) {
    PcaModel copied = new PcaModel(uid(), mean, components, eigenvalues, residualVariance, explainedVariance);
    return copyValues(copied, extra).setParent(parent());
  }

  /** Metadata JSON + one Parquet row: mean, components (k x d), eigenvalues, residual variance. */
  @Override
  public MLWriter write() {
    return new ModelPersistence.SealedWriter(this, Map.of("numComponents", numComponents()), (path, spark) -> {
      int kept = components.length;
      int d = mean.length;
      double[] rowMajor = new double[kept * d];
      for (int j = 0; j < kept; j++) {
        System.arraycopy(components[j], 0, rowMajor, j * d, d);
      }
      // DenseMatrix is column-major; transposed = true reads the array row-major.
      Matrix pcs = new DenseMatrix(kept, d, rowMajor, true);
      Row row = RowFactory.create(Vectors.dense(mean), pcs, Vectors.dense(eigenvalues), residualVariance,
          Vectors.dense(explainedVariance));
      spark.createDataFrame(List.of(row), DATA_SCHEMA).repartition(1).write().parquet(ModelPersistence.dataPath(path));
    });
  }

  public static MLReader<PcaModel> read() {
    return ModelPersistence.reader(PcaModel.class, (metadata, path, spark) -> {
      Row row = spark.read().parquet(ModelPersistence.dataPath(path)).first();
      double[] mean = ((Vector) row.getAs("mean")).toArray();
      Matrix pcs = row.getAs("components");
      int kept = pcs.numRows();
      int d = pcs.numCols();
      if (d != mean.length) {
        throw new IllegalArgumentException(String.format("The model at %s is inconsistent: %d components of"
            + " width %d for a mean of width %d.", path, kept, d, mean.length));
      }
      double[][] components = new double[kept][d];
      for (int j = 0; j < kept; j++) {
        for (int i = 0; i < d; i++) {
          components[j][i] = pcs.apply(j, i);
        }
      }
      return new PcaModel(metadata.uid(), mean, components, ((Vector) row.getAs("eigenvalues")).toArray(),
          row.getAs("residualVariance"), ((Vector) row.getAs("explainedVariance")).toArray());
    });
  }

  public static PcaModel load(String path) { return read().load(path); }

  private static final StructType DATA_SCHEMA = new StructType()
      .add("mean", SQLDataTypes.VectorType(), false)
      .add("components", SQLDataTypes.MatrixType(), false)
      .add("eigenvalues", SQLDataTypes.VectorType(), false)
      .add("residualVariance", DataTypes.DoubleType, false)
      .add("explainedVariance", SQLDataTypes.VectorType(), false);
}

package io.vigil.ecod;

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
import org.apache.spark.sql.types.StructType;

/** A fitted ECOD: each feature's quantile grid and skewness sign ({@link EcodScorer}). */
public class EcodModel extends AnomalyModel<EcodModel> implements EcodParams {

  private final EcodScorer scorer;
  private final long gridRows;

  EcodModel(String uid, double[][] quantiles, double[] skewSigns, long numRows) {
    super(uid);
    this.scorer = new EcodScorer(quantiles, skewSigns, numRows);
    this.gridRows = numRows;
    set(numFeatures(), quantiles.length);
  }

  /** Each feature's tail term (they sum to the score). */
  @Override public boolean explains() { return true; }

  @Override
  protected Dataset<Row> score(Dataset<?> dataset) {
    return scoreEachRow(dataset, scorer, EcodScorer::score, (s, x, score) -> s.terms(x), false);
  }

  @Override
  public FeatureBatchScorer batchScorer(SparkSession spark) {
    return eachRow(spark, scorer, EcodScorer::score);
  }

  @Override
  public EcodModel copy(ParamMap extra) {
    EcodModel copied = new EcodModel(uid(), scorer.quantiles(), scorer.skewSigns(), gridRows);
    return copyValues(copied, extra).setParent(parent());
  }

  /** Metadata JSON + one Parquet row: the quantile grid (features x probabilities), skewness signs, row count. */
  @Override
  public MLWriter write() {
    return new ModelPersistence.SealedWriter(this, Map.of("gridRows", gridRows), (path, spark) -> {
      double[][] q = scorer.quantiles();
      int p = EcodScorer.PROBABILITIES.length;
      double[] rowMajor = new double[q.length * p];
      for (int j = 0; j < q.length; j++) {
        System.arraycopy(q[j], 0, rowMajor, j * p, p);
      }
      Row row = RowFactory.create(Vectors.dense(EcodScorer.PROBABILITIES), new DenseMatrix(q.length, p, rowMajor,
          true), Vectors.dense(scorer.skewSigns()));
      spark.createDataFrame(List.of(row), DATA_SCHEMA).repartition(1).write().parquet(ModelPersistence.dataPath(path));
    });
  }

  public static MLReader<EcodModel> read() {
    return ModelPersistence.reader(EcodModel.class, (metadata, path, spark) -> {
      Row row = spark.read().parquet(ModelPersistence.dataPath(path)).first();
      double[] probabilities = ((Vector) row.getAs("probabilities")).toArray();
      if (!java.util.Arrays.equals(probabilities, EcodScorer.PROBABILITIES)) {
        throw new IllegalArgumentException("The model at " + path + " has a quantile grid of " + probabilities.length
            + " probabilities that this Vigil does not read (it uses " + EcodScorer.PROBABILITIES.length
            + "); retrain it.");
      }
      Matrix grid = row.getAs("quantiles");
      double[][] quantiles = new double[grid.numRows()][grid.numCols()];
      for (int j = 0; j < grid.numRows(); j++) {
        for (int i = 0; i < grid.numCols(); i++) {
          quantiles[j][i] = grid.apply(j, i);
        }
      }
      return new EcodModel(metadata.uid(), quantiles, ((Vector) row.getAs("skewSigns")).toArray(),
          ModelPersistence.fields(metadata).path("gridRows").asLong());
    });
  }

  public static EcodModel load(String path) { return read().load(path); }

  private static final StructType DATA_SCHEMA = new StructType()
      .add("probabilities", SQLDataTypes.VectorType(), false)
      .add("quantiles", SQLDataTypes.MatrixType(), false)
      .add("skewSigns", SQLDataTypes.VectorType(), false);
}

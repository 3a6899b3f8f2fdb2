package io.vigil.knn;

import io.vigil.core.AnomalyModel;
import io.vigil.core.FeatureBatchScorer;
import io.vigil.dl4j.BatchScoring;
import io.vigil.persist.ModelPersistence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A fitted kNN detector: its reference rows (FLOAT, row-major), scored against in blocks ({@link KnnScorer}). */
public class KnnModel extends AnomalyModel<KnnModel> implements KnnParams {

  private final float[] reference;
  private final int numReference;

  KnnModel(String uid, float[] reference, int numReference, int width) {
    super(uid);
    this.reference = reference;
    this.numReference = numReference;
    set(numFeatures(), width);
  }

  /** The number of reference rows kept (all training rows up to maxReference, else a seeded sample). */
  public int getNumReference() {
    return numReference;
  }

  public KnnModel setK(int value) { return setParam(k(), value); }
  public KnnModel setMethod(String value) { return setParam(method(), value); }

  @Override public boolean explains() { return true; }

  @Override
  protected Dataset<Row> score(Dataset<?> dataset) {
    return score(dataset, false);
  }

  /**
   * Each training row scored without itself (see {@link KnnDetector}): against a reference that holds it, its
   * nearest neighbour would be itself at distance 0. A sampled reference holds only some of them; those rows are
   * scored as any row.
   */
  @Override
  public Dataset<Row> scoreTrainingRows(Dataset<?> trainingRows) {
    return getNumReference() == getNumTrainingRows() ? score(trainingRows, true) : scoreOnly(trainingRows);
  }

  @Override
  public FeatureBatchScorer batchScorer(SparkSession spark) {
    int k = getK();
    boolean mean = getMethod().equals(MEAN);
    return BatchScoring.batchScorer(spark, KnnScorer.toBytes(reference, numReference, getNumFeatures()),
        KnnScorer::fromBytes, (scorer, x, explain) -> scorer.score(x, k, mean, false, explain));
  }

  /** Scores; with {@code skipNearest} each row's nearest reference row is left out (training rows' own scores). */
  Dataset<Row> score(Dataset<?> dataset, boolean skipNearest) {
    int k = getK();
    boolean mean = getMethod().equals(MEAN);
    int topK = skipNearest ? 0 : getExplainTopK();
    return BatchScoring.appendScores(dataset, KnnScorer.toBytes(reference, numReference, getNumFeatures()),
        KnnScorer::fromBytes, getFeaturesCol(), getScoreCol(), getNumFeatures(),
        (scorer, x, explain) -> scorer.score(x, k, mean, skipNearest, explain), topK, getFeatureNames());
  }

  @Override
  public KnnModel copy(ParamMap extra) {
    return copyValues(new KnnModel(uid(), reference, numReference, getNumFeatures()), extra).setParent(parent());
  }

  /** Metadata JSON + the reference rows in Parquet, one row per block of {@link KnnScorer#BLOCK_ROWS} rows. */
  @Override
  public MLWriter write() {
    return new ModelPersistence.SealedWriter(this, Map.of("numReference", numReference), (path, spark) -> {
      int width = getNumFeatures();
      List<Row> blocks = new ArrayList<>();
      for (int from = 0, b = 0; from < numReference; from += KnnScorer.BLOCK_ROWS, b++) {
        int size = Math.min(KnnScorer.BLOCK_ROWS, numReference - from);
        float[] part = Arrays.copyOfRange(reference, from * width, (from + size) * width);
        blocks.add(RowFactory.create(b, size, KnnScorer.toBytes(part, size, width)));
      }
      spark.createDataFrame(blocks, DATA_SCHEMA).repartition(1).write().parquet(ModelPersistence.dataPath(path));
    });
  }

  public static MLReader<KnnModel> read() {
    return ModelPersistence.reader(KnnModel.class, (metadata, path, spark) -> {
      int width = ModelPersistence.numFeatures(metadata, path);
      int expected = ModelPersistence.fields(metadata).path("numReference").asInt(-1);
      List<Row> blocks = new ArrayList<>(spark.read().parquet(ModelPersistence.dataPath(path)).collectAsList());
      blocks.sort((a, b) -> Integer.compare(a.getInt(0), b.getInt(0)));
      int total = blocks.stream().mapToInt(r -> r.getInt(1)).sum();
      if (total != expected) {
        throw new IllegalArgumentException(String.format("The model at %s is incomplete: %d reference rows in its"
            + " data, %d in its metadata.", path, total, expected));
      }
      float[] reference = new float[total * width];
      int at = 0;
      for (Row block : blocks) {
        float[] part = KnnScorer.referenceOf(block.getAs(2));
        if (part.length != block.getInt(1) * width) {
          throw new IllegalArgumentException(String.format("The model at %s is inconsistent: block %d holds %d"
              + " values for %d rows of width %d.", path, block.getInt(0), part.length, block.getInt(1), width));
        }
        System.arraycopy(part, 0, reference, at, part.length);
        at += part.length;
      }
      return new KnnModel(metadata.uid(), reference, total, width);
    });
  }

  public static KnnModel load(String path) { return read().load(path); }

  private static final StructType DATA_SCHEMA = new StructType()
      .add("block", DataTypes.IntegerType, false)
      .add("rows", DataTypes.IntegerType, false)
      .add("values", DataTypes.BinaryType, false);
}

package io.vigil.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.core.Schemas;
import io.vigil.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.feature.MinMaxScaler;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureVectorizerTest extends SparkTestBase {

  private static final StructType SCHEMA = new StructType().add("id", DataTypes.LongType)
      .add("amount", DataTypes.DoubleType).add("count", DataTypes.IntegerType).add("flat", DataTypes.DoubleType)
      .add("merchant", DataTypes.StringType, true).add("code", DataTypes.IntegerType, true);

  private static final List<String> NUMERIC = List.of("amount", "count", "flat");
  private static final List<String> CATEGORICAL = List.of("merchant", "code");
  private static final List<String> LOG1P = List.of("amount");

  /**
   * Rows with what the former stages had to get right: a heavy-tailed column (log1p), a constant one, a string
   * category with ties in its counts and more values than the cap, null categories, an integer category, -0.0.
   */
  private static Dataset<Row> rows(long seed, int n, int merchants) {
    Random random = new Random(seed);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String merchant = random.nextInt(20) == 0 ? null : "m" + (int) Math.floor(Math.abs(random.nextGaussian())
          * merchants / 2.5);
      Integer code = random.nextInt(30) == 0 ? null : random.nextInt(4) * 10;
      double amount = i % 97 == 0 ? -0.0 : Math.exp(random.nextGaussian() * 3) - (random.nextInt(10) == 0 ? 5 : 0);
      out.add(RowFactory.create((long) i, amount,
          random.nextInt(50), 3.0, merchant, code));
    }
    return spark.createDataFrame(out, SCHEMA);
  }

  /** The chain of Spark ML stages FeaturePipeline built before the vectorizer, on the same specification. */
  private static List<PipelineStage> formerStages(String scaler, int maxCategories) {
    String p = FeaturePipeline.TEMP_PREFIX;
    List<PipelineStage> stages = new ArrayList<>();
    stages.add(new SQLTransformer().setStatement("SELECT *, log1p(greatest(CAST(`amount` AS DOUBLE), 0D)) AS `"
        + p + "log_amount` FROM __THIS__"));
    String[] in = CATEGORICAL.toArray(new String[0]);
    if (maxCategories > 0) {
      stages.add(new TopCategories().setInputCols(in).setMaxCategories(maxCategories));
      in = CATEGORICAL.stream().map(TopCategories::outputCol).toArray(String[]::new);
    }
    String[] idx = CATEGORICAL.stream().map(c -> p + "idx_" + c).toArray(String[]::new);
    String[] hot = CATEGORICAL.stream().map(c -> p + "hot_" + c).toArray(String[]::new);
    stages.add(new StringIndexer().setInputCols(in).setOutputCols(idx).setHandleInvalid("keep"));
    stages.add(new OneHotEncoder().setInputCols(idx).setOutputCols(hot).setDropLast(false));
    List<String> assembled = new ArrayList<>(List.of(p + "log_amount", "count", "flat"));
    assembled.addAll(List.of(hot));
    String raw = scaler.equals(FeaturePipeline.NONE) ? "features" : p + "raw_features";
    stages.add(new VectorAssembler().setInputCols(assembled.toArray(new String[0])).setOutputCol(raw));
    if (scaler.equals(FeaturePipeline.STANDARD)) {
      stages.add(new StandardScaler().setInputCol(raw).setOutputCol("features").setWithMean(true).setWithStd(true));
    } else if (scaler.equals(FeaturePipeline.MINMAX)) {
      stages.add(new MinMaxScaler().setInputCol(raw).setOutputCol("features"));
    }
    return stages;
  }

  private static PipelineModel fit(List<PipelineStage> stages, Dataset<Row> train) {
    return new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(train);
  }

  private static FeaturePipeline pipeline(String scaler, int maxCategories) {
    return new FeaturePipeline(NUMERIC, CATEGORICAL, LOG1P, scaler, "features", maxCategories);
  }

  private static String[] names(Dataset<Row> out, String column) {
    return java.util.Arrays.stream(AttributeGroup.fromStructField(out.schema().apply(column)).attributes().get())
        .map(a -> a.name().get()).toArray(String[]::new);
  }

  @Test
  void givenEveryScalerAndCap_whenComparedWithTheFormerStages_thenTheVectorsAndNamesAreTheSame() {
    Dataset<Row> train = rows(1, 3000, 40);
    // scored rows with merchants never seen in training (more of them) and nulls
    Dataset<Row> scored = rows(2, 1500, 60);
    for (String scaler : List.of(FeaturePipeline.STANDARD, FeaturePipeline.MINMAX, FeaturePipeline.NONE)) {
      for (int cap : new int[] {0, 5}) {
        Dataset<Row> former = fit(formerStages(scaler, cap), train).transform(scored).orderBy("id");
        Dataset<Row> now = fit(pipeline(scaler, cap).stages(), train).transform(scored).orderBy("id");
        List<Row> a = former.select("features").collectAsList();
        List<Row> b = now.select("features").collectAsList();
        assertEquals(a.size(), b.size());
        String at = scaler + ", cap " + cap;
        for (int i = 0; i < a.size(); i++) {
          // bit for bit, and the same representation (dense or sparse): detectors may order rows by their bytes
          assertEquals(a.get(i).get(0).getClass(), b.get(i).get(0).getClass(), at + ", row " + i);
          double[] x = ((Vector) a.get(i).get(0)).toArray();
          double[] y = ((Vector) b.get(i).get(0)).toArray();
          for (int j = 0; j < x.length; j++) {
            assertEquals(Double.doubleToLongBits(x[j]), Double.doubleToLongBits(y[j]),
                at + ", row " + i + ", slot " + j + ": " + x[j] + " vs " + y[j]);
          }
        }
        String namedBy = scaler.equals(FeaturePipeline.NONE) ? "features" : FeaturePipeline.TEMP_PREFIX
            + "raw_features";
        assertArrayEquals(names(former, namedBy), names(now, "features"), at);
        assertEquals(List.of(SCHEMA.fieldNames()).size() + 1, now.columns().length, "no intermediate columns");
      }
    }
  }

  @Test
  void givenAnyValues_whenCompressed_thenTheVectorIsSparksCompressedOne() {
    double[][] cases = {{}, {0.0}, {1.0}, {0.0, 0.0, 0.0, 0.0}, {-0.0, 0.0, 2.5, 0.0, 0.0, 0.0},
        {1.0, 2.0, 0.0, 0.0}, {0.0, 0.0, 3.0, 0.0, 0.0}, {1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -4.0},
        {1.0, 2.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0}};
    for (double[] values : cases) {
      Vector expected = Vectors.dense(values.clone()).compressed();
      Vector actual = FeatureVectorizerModel.compressed(values.clone());
      assertEquals(expected.getClass(), actual.getClass(), Arrays.toString(values));
      assertEquals(expected, actual, Arrays.toString(values));
      double[] e = expected.toArray();
      double[] a = actual.toArray();
      for (int i = 0; i < e.length; i++) {
        assertEquals(Double.doubleToLongBits(e[i]), Double.doubleToLongBits(a[i]), Arrays.toString(values));
      }
    }
  }

  @Test
  void givenACap_whenCounted_thenOtherRowsMatchTheFormerStage() {
    Dataset<Row> train = rows(3, 2000, 40);
    Dataset<Row> scored = rows(4, 1000, 60);
    PipelineModel former = fit(formerStages(FeaturePipeline.STANDARD, 5), train);
    PipelineModel now = fit(pipeline(FeaturePipeline.STANDARD, 5).stages(), train);
    Map<String, Long> expected = FeatureVectorizerModel.otherCounts(former, scored);
    assertEquals(expected, FeatureVectorizerModel.otherCounts(now, scored));
    assertTrue(expected.get("merchant") > 0, expected.toString());
  }

  @Test
  void givenASavedPipeline_whenLoaded_thenItPreparesTheSameVectors(@TempDir Path dir) throws Exception {
    Dataset<Row> train = rows(5, 500, 10);
    PipelineModel model = fit(pipeline(FeaturePipeline.STANDARD, 3).stages(), train);
    model.write().save(dir.resolve("m").toString());
    assertTrue(Files.exists(dir.resolve("m")));
    PipelineModel loaded = PipelineModel.load(dir.resolve("m").toString());
    List<Row> a = model.transform(train).orderBy("id").select("features").collectAsList();
    List<Row> b = loaded.transform(train).orderBy("id").select("features").collectAsList();
    assertEquals(a, b);
    FeatureVectorizerModel stage = (FeatureVectorizerModel) loaded.stages()[0];
    assertEquals(3, stage.getMaxCategories());
    assertArrayEquals(new String[] {"merchant", "code"}, stage.getCategoricalCols());
  }

  @Test
  void givenBadColumns_whenFitOrTransformed_thenTheErrorNamesTheColumn() {
    Dataset<Row> train = rows(6, 200, 5);
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> new FeatureVectorizer()
        .setNumericCols("amount", "price").fit(train));
    assertTrue(missing.getMessage().contains("'price' not found"), missing.getMessage());
    IllegalArgumentException string = assertThrows(IllegalArgumentException.class, () -> new FeatureVectorizer()
        .setNumericCols("merchant").fit(train));
    assertTrue(string.getMessage().contains("'merchant' must be numeric or boolean but is string"),
        string.getMessage());
    FeatureVectorizerModel model = new FeatureVectorizer().setNumericCols("amount").fit(train);
    StructType nullable = new StructType().add("amount", DataTypes.DoubleType, true);
    // Each raises the error a one-read score job recognises (Schemas.NOT_FINITE_FEATURE), naming the column.
    Object[][] bad = {{null, "null"}, {Double.NaN, "NaN"}, {Double.POSITIVE_INFINITY, "+Infinity"},
        {Double.NEGATIVE_INFINITY, "-Infinity"}};
    for (Object[] value : bad) {
      Dataset<Row> one = spark.createDataFrame(List.of(RowFactory.create(value[0])), nullable);
      String message = String.valueOf(rootMessage(assertThrows(Exception.class, () -> model.transform(one).collect())));
      assertTrue(message.startsWith(Schemas.NOT_FINITE_FEATURE) && message.contains("'amount' is " + value[1]),
          message);
    }
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> new FeatureVectorizer()
        .setNumericCols("amount").fit(train.limit(0)));
    assertTrue(empty.getMessage().contains("no training rows"), empty.getMessage());
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}

package io.vigil.autoencoder;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.testing.RealData;
import io.vigil.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The seed article's digits check: a 64-32-16-4-16-32-64 autoencoder over the 1,797 UCI digits (pixel
 * counts / 16) reconstructs item 1113, an odd '7', among the worst.
 */
@Tag("realdata")
class DigitsAutoencoderTest extends SparkTestBase {

  @Test
  void givenDigits_whenAutoencoderScoresEveryRow_thenRow1113IsInTheTopTen() {
    String file = RealData.sharedData().resolve("digits/digits.csv.gz").toString();
    StructType schema = new StructType().add("row_index", DataTypes.LongType);
    String[] pixels = new String[64];
    for (int i = 0; i < 64; i++) {
      pixels[i] = "p" + i;
      schema = schema.add(pixels[i], DataTypes.DoubleType);
    }
    // One gzip file is one partition, read in line order: the index is the 0-based line number.
    List<Row> rows = new ArrayList<>();
    spark.sparkContext().textFile(file, 1).toJavaRDD().zipWithIndex().collect().forEach(t -> {
      String[] f = t._1().split(",");
      Object[] v = new Object[65];
      v[0] = t._2();
      for (int i = 0; i < 64; i++) {
        v[i + 1] = Double.parseDouble(f[i]) / 16.0;
      }
      rows.add(RowFactory.create(v));
    });
    Dataset<Row> digits = new VectorAssembler().setInputCols(pixels).setOutputCol("features")
        .transform(spark.createDataFrame(rows, schema)).select("row_index", "features").repartition(2);
    AutoencoderModel model = new AutoencoderDetector().setHiddenLayers("32,16,4,16,32").setEpochs(100)
        .setBatchSize(64).setLearningRate(0.003).setNumWorkers(2).fit(digits);
    List<Row> ranked = model.transform(digits).orderBy(org.apache.spark.sql.functions.desc("score"))
        .select("row_index").limit(20).collectAsList();
    int rank = -1;
    for (int i = 0; i < ranked.size(); i++) {
      if (ranked.get(i).getLong(0) == 1113L) {
        rank = i + 1;
      }
    }
    System.out.println("Digits: row 1113 ranks " + (rank < 0 ? "below 20" : rank) + "; top 10 rows: "
        + ranked.subList(0, 10));
    assertTrue(rank >= 1 && rank <= 10, "row 1113 ranks " + (rank < 0 ? "below 20" : rank) + " of 1797");
  }
}

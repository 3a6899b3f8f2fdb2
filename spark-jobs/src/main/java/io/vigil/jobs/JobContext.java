package io.vigil.jobs;

import io.vigil.data.InputCheck;
import io.vigil.features.FeaturePipeline;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** What every job needs: the Spark session, the config and the warehouse it writes to. */
public record JobContext(SparkSession spark, JobConfig config, Warehouse warehouse) {

  public static JobContext of(SparkSession spark, JobConfig config) {
    return new JobContext(spark, config,
        new Warehouse(config.get("output"), spark.sparkContext().hadoopConfiguration()));
  }

  public String datasetKey() {
    return config.datasetKey();
  }

  public String labelCol() {
    return config.get("label.col", "label");
  }

  public FeaturePipeline featurePipeline() {
    return new FeaturePipeline(config.getList("features.numeric"), config.getList("features.categorical"),
        config.getList("features.log1p"), config.get("features.scaler", FeaturePipeline.STANDARD), "features");
  }

  /** Reads the input named by config key {@code key} and applies the input policy (input.invalid). */
  public InputCheck.Result readChecked(String key) {
    Dataset<Row> input = Inputs.read(spark, config, warehouse, key);
    FeaturePipeline features = featurePipeline();
    return InputCheck.check(input, features.numericCols(), features.categoricalCols(),
        config.get("input.invalid", InputCheck.ERROR), "input " + key + " = " + config.get(key));
  }

  /** Labels the Spark jobs that follow in the Spark UI. */
  public void describe(String group, String description) {
    spark.sparkContext().setJobGroup(group, description, false);
  }
}

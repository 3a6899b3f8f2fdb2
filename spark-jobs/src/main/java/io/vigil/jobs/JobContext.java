package io.vigil.jobs;

import io.vigil.data.InputCheck;
import io.vigil.features.FeaturePipeline;
import io.vigil.reports.RunReport;
import io.vigil.warehouse.Quarantine;
import io.vigil.warehouse.Warehouse;
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
    return featurePipeline(null);
  }

  /**
   * The feature stages for {@code detector}: {@code <detector>.features.scaler} and
   * {@code <detector>.features.log1p} override the shared keys, since the best scaling differs between
   * detectors (chosen on validation data).
   */
  public FeaturePipeline featurePipeline(String detector) {
    String prefix = detector == null ? "" : detector + ".";
    String scaler = config.get(prefix + "features.scaler", config.get("features.scaler", FeaturePipeline.STANDARD));
    java.util.List<String> log1p = config.has(prefix + "features.log1p") ? config.getList(prefix + "features.log1p")
        : config.getList("features.log1p");
    return new FeaturePipeline(numericFeatures(), config.getList("features.categorical"), log1p, scaler, "features",
        Integer.parseInt(config.get("features.maxCategories", String.valueOf(FeaturePipeline.DEFAULT_MAX_CATEGORIES))));
  }

  /**
   * The detector's own params from the config ({@code <detector>.<param>}), less its feature overrides; the
   * key {@code seed} sets the seed of every detector that draws random numbers, unless {@code <detector>.seed}
   * does (a protocol's runs over seeds change one key).
   */
  public java.util.Map<String, String> detectorParams(String detector) {
    java.util.Map<String, String> params = new java.util.LinkedHashMap<>();
    if (config.has("seed") && io.vigil.detectors.Detectors.hasParam(detector, "seed")) {
      params.put("seed", config.get("seed"));
    }
    params.putAll(config.withPrefix(detector));
    params.keySet().removeIf(k -> k.startsWith("features."));
    return params;
  }

  /**
   * Columns that never become features: {@code id.cols}, {@code time.col} and {@code exclude.cols} (plus the
   * label and {@code row_index}, which the benchmark tables carry).
   */
  public java.util.List<String> nonFeatureColumns() {
    java.util.List<String> out = new java.util.ArrayList<>(config.getList("id.cols"));
    if (config.has("time.col") && !config.get("time.col").isBlank()) {
      out.add(config.get("time.col").trim());
    }
    out.addAll(config.getList("exclude.cols"));
    out.add(labelCol());
    out.add("row_index");
    return out;
  }

  /**
   * features.numeric, where {@code *} means every numeric column of the training input except the
   * categorical features and the {@link #nonFeatureColumns}. A feature named explicitly that is an id, the
   * time column or excluded is an error naming both keys.
   */
  public java.util.List<String> numericFeatures() {
    java.util.List<String> named = config.getList("features.numeric");
    java.util.List<String> never = nonFeatureColumns();
    if (!named.equals(java.util.List.of("*"))) {
      for (String key : java.util.List.of("features.numeric", "features.categorical")) {
        for (String column : config.getList(key)) {
          if (never.contains(column) && !column.equals("row_index")) {
            throw new IllegalArgumentException(String.format("%s names '%s', which id.cols, time.col, exclude.cols"
                + " or label.col keep out of the features; remove it from one of them.", key, column));
          }
        }
      }
      return named;
    }
    java.util.List<String> skip = new java.util.ArrayList<>(config.getList("features.categorical"));
    skip.addAll(never);
    java.util.List<String> out = new java.util.ArrayList<>();
    for (org.apache.spark.sql.types.StructField f : Inputs.read(spark, config, warehouse, "train").schema().fields()) {
      if (f.dataType() instanceof org.apache.spark.sql.types.NumericType && !skip.contains(f.name())) {
        out.add(f.name());
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("features.numeric = * found no numeric column in " + Inputs.describe(config,
          "train") + " besides the ones kept out of the features " + skip + ".");
    }
    return out;
  }

  /** Reads the input named by config key {@code key} and applies the input policy (input.invalid). */
  public InputCheck.Result readChecked(String key) {
    FeaturePipeline features = featurePipeline();
    return InputCheck.check(readColumnsChecked(key), features.numericCols(), features.categoricalCols(),
        invalidPolicy(), describeInput(key));
  }

  /**
   * Reads the input named by config key {@code key} with its feature columns checked (present once each, usable
   * types: {@link InputCheck#checkColumns}), without a pass over its rows.
   */
  public Dataset<Row> readColumnsChecked(String key) {
    Dataset<Row> input = Inputs.read(spark, config, warehouse, key);
    FeaturePipeline features = featurePipeline();
    try {
      InputCheck.checkColumns(input, features.numericCols(), features.categoricalCols(), describeInput(key));
      return input;
    } catch (IllegalArgumentException e) {
      if (input.isEmpty()) { // a CSV of a header alone reads as string columns: say what is really wrong
        throw new IllegalArgumentException("Input " + Inputs.describe(config, key) + " has no rows.", e);
      }
      throw e;
    }
  }

  /** input.invalid: what becomes of rows with null, NaN or infinite numeric features ({@link InputCheck}). */
  public String invalidPolicy() {
    return config.get("input.invalid", InputCheck.ERROR);
  }

  /** How messages name the input of config key {@code key}. */
  public String describeInput(String key) {
    return "input " + Inputs.describe(config, key);
  }

  /** Writes the quarantine sample of a checked input (see {@link Quarantine}); returns the rows written. */
  public long quarantine(String inputKey, String job, String runDate, InputCheck.Result checked) {
    return Quarantine.write(warehouse, Integer.parseInt(config.get("quarantine.sampleRows", "1000")),
        Inputs.key(config, inputKey), Inputs.describe(config, inputKey), job, runDate, checked);
  }

  /** What the run report reads. */
  public RunReport.Inputs reportInputs() {
    return new RunReport.Inputs(spark, warehouse, datasetKey(), config.source(), config.get("protocol", "custom"),
        config.get("scores.table"), labelCol());
  }

  /** Labels the Spark jobs that follow in the Spark UI. */
  public void describe(String group, String description) {
    spark.sparkContext().setJobGroup(group, description, false);
  }
}

package io.vigil.bench;

import static org.apache.spark.sql.functions.lit;

import io.vigil.core.SharedParams;
import io.vigil.detectors.Detectors;
import io.vigil.jobs.JobConfig;
import io.vigil.jobs.JobContext;
import io.vigil.jobs.ScoreJob;
import io.vigil.jobs.TrainJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

public final class ScaleCurveBench {

  private ScaleCurveBench() {}

  /**
   * The scale curve: train and score each detector at {@code factors} times the config's rows (training
   * rows and scoring rows each replicated, every copy after the first jittered: each numeric feature times
   * 1 + 1% Gaussian noise, so no two copies are equal), and report the time per row at each size beside the
   * same-run IO floor of the score job at that size ({@link BenchResults#scoreTableFloor}). {@code growth} is the time per
   * row at a size over the time per row at the smallest: 1.0 is linear cost. Writes
   * {@code scale-curve-<dataset>.{csv,json,md}} and {@code scale-curve-<dataset>.png}.
   */
  public static List<Map<String, Object>> run(JobContext ctx, List<String> detectors, int[] factors,
      String resultsDir) {
    BenchResults.prepare(ctx);
    JobConfig c = ctx.config();
    String work = ctx.warehouse().root() + "/bench-scale";
    Dataset<Row> train = ctx.readChecked("train.path").valid();
    Dataset<Row> test = ctx.readChecked(io.vigil.jobs.Inputs.has(c, "score") ? "score" : "test").valid();
    List<Map<String, Object>> rows = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<double[]> xs = new ArrayList<>();
    List<double[]> ys = new ArrayList<>();
    double[][] perRow = new double[2 * detectors.size() + 1][factors.length];
    double[] sizes = Arrays.stream(factors).asDoubleStream().toArray();
    for (int f = 0; f < factors.length; f++) {
      String trainPath = work + "/train-" + factors[f];
      String scorePath = work + "/score-" + factors[f];
      jittered(ctx, train, factors[f]).write().mode(SaveMode.Overwrite).parquet(trainPath);
      jittered(ctx, test, factors[f]).write().mode(SaveMode.Overwrite).parquet(scorePath);
      long trainCount = ctx.spark().read().parquet(trainPath).count();
      long scoreCount = ctx.spark().read().parquet(scorePath).count();
      String runDate = BenchResults.runDate(ctx);
      String floorTable = work + "/io-floor-" + factors[f];
      double floor = BenchResults.median(1, () -> BenchResults.scoreTableFloor(ctx, scorePath, floorTable, runDate));
      JobContext scoreCtx = BenchResults.scoringContext(ctx, scorePath, work + "/warehouse-" + factors[f]);
      perRow[2 * detectors.size()][f] = floor / scoreCount * 1e6;
      for (int d = 0; d < detectors.size(); d++) {
        String name = detectors.get(d);
        Map<String, String> params = new LinkedHashMap<>(ctx.detectorParams(name));
        params.put("thresholdStrategy", SharedParams.CONTAMINATION);
        List<PipelineStage> stages = new ArrayList<>(ctx.featurePipeline(name).stages());
        stages.add(Detectors.create(name, params, ctx::detectorParams));
        Pipeline pipeline = new Pipeline().setStages(stages.toArray(new PipelineStage[0]));
        PipelineModel[] fitted = new PipelineModel[1];
        // one run per size (a warm-up at the smallest only): the largest sizes take minutes
        Runnable fit = () -> fitted[0] = pipeline.fit(ctx.spark().read().parquet(trainPath));
        double trainSeconds = f == 0 ? BenchResults.median(1, fit) : BenchResults.time(fit);
        Runnable score = () -> ScoreJob.run(scoreCtx, new TrainJob.Result(name, "bench", null, null, fitted[0]), runDate);
        double scoreSeconds = f == 0 ? BenchResults.median(1, score) : BenchResults.time(score);
        perRow[2 * d][f] = trainSeconds / trainCount * 1e6;
        perRow[2 * d + 1][f] = scoreSeconds / scoreCount * 1e6;
        for (String stage : List.of("train", "score")) {
          boolean isTrain = stage.equals("train");
          Map<String, Object> r = BenchResults.row(c, name, stage + " x" + factors[f], isTrain ? trainCount : scoreCount,
              isTrain ? trainSeconds : scoreSeconds, BenchResults.SCORE_FLOOR, floor);
          r.put("factor", factors[f]);
          r.put("us_per_row", perRow[isTrain ? 2 * d : 2 * d + 1][f]);
          r.put("growth", perRow[isTrain ? 2 * d : 2 * d + 1][f] / perRow[isTrain ? 2 * d : 2 * d + 1][0]);
          r.put("master", ctx.spark().sparkContext().master());
          rows.add(r);
        }
      }
    }
    for (int d = 0; d < detectors.size(); d++) {
      for (int t = 0; t < 2; t++) {
        names.add(detectors.get(d) + (t == 0 ? " train" : " score"));
        xs.add(sizes);
        ys.add(perRow[2 * d + t]);
      }
    }
    names.add("IO floor (read, score table write)");
    xs.add(sizes);
    ys.add(perRow[2 * detectors.size()]);
    ctx.warehouse().delete(work);
    String name = "scale-curve-" + ctx.datasetKey();
    BenchResults.write(rows, resultsDir, name);
    try {
      Files.write(Path.of(resultsDir, name + ".png"), io.vigil.reports.Charts.linesPng("Scale curve: " + ctx.datasetKey()
          + " on " + ctx.spark().sparkContext().master() + " (factors " + Arrays.toString(factors) + ")",
          "size (times the config's training and scoring rows)", "microseconds per row", names, xs, ys, true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** {@code rows} replicated {@code factor} times; every copy after the first has its numeric features jittered. */
  private static Dataset<Row> jittered(JobContext ctx, Dataset<Row> rows, int factor) {
    Dataset<Row> copies = rows.crossJoin(ctx.spark().range(factor).withColumnRenamed("id", "__copy"));
    List<String> numeric = ctx.numericFeatures();
    for (int i = 0; i < numeric.size(); i++) {
      String column = numeric.get(i);
      org.apache.spark.sql.Column value = org.apache.spark.sql.functions.col(column).cast("double");
      copies = copies.withColumn(column, org.apache.spark.sql.functions.when(
          org.apache.spark.sql.functions.col("__copy").equalTo(0), value)
          .otherwise(value.multiply(lit(1.0).plus(org.apache.spark.sql.functions.randn(42 + i).multiply(0.01)))));
    }
    return copies.drop("__copy");
  }
}

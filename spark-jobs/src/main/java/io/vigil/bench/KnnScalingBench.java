package io.vigil.bench;

import static org.apache.spark.sql.functions.lit;

import io.vigil.detectors.Detectors;
import io.vigil.jobs.JobConfig;
import io.vigil.jobs.JobContext;
import io.vigil.knn.KnnDetector;
import io.vigil.knn.KnnModel;
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

/**
 * bench --suite knn-scaling: the knn score job end to end (Parquet read → feature preparation → knn → Parquet
 * write) on the config's first {@code scoreRows} test rows, with reference sets of 1x, 4x and 16x a base size
 * (the 16x set is every training row, up to maxReference), each beside the same-run IO floor (the same read →
 * write with a constant column). A knn score costs rows x reference rows x width multiply-adds, so the time
 * should grow linearly with the reference size once it outweighs the IO.
 */
public final class KnnScalingBench {

  static final int[] MULTIPLES = {1, 4, 16};

  private KnnScalingBench() {}

  public static List<Map<String, Object>> run(JobContext ctx, int scoreRows, int repeat, String resultsDir) {
    BenchResults.prepare(ctx);
    JobConfig c = ctx.config();
    String work = ctx.warehouse().root() + "/bench-tmp-knn";
    Dataset<Row> trainRows = ctx.readChecked("train.path").valid().cache();
    long trainCount = trainRows.count();
    String scoreInput = work + "/score-input";
    ctx.readChecked("test.path").valid().limit(scoreRows).write().mode(SaveMode.Overwrite).parquet(scoreInput);
    long rows = ctx.spark().read().parquet(scoreInput).count();
    double ioFloor = BenchResults.median(repeat, () -> ctx.spark().read().parquet(scoreInput)
        .withColumn("bench_const", lit(1.0)).write().mode(SaveMode.Overwrite).parquet(work + "/io-floor"));
    List<String> inputCols = Arrays.asList(ctx.spark().read().parquet(scoreInput).columns());
    int base = (int) Math.max(1, Math.min(trainCount, new KnnDetector().getMaxReference()) / MULTIPLES[MULTIPLES.length - 1]);
    List<Map<String, Object>> out = new ArrayList<>();
    for (int multiple : MULTIPLES) {
      Map<String, String> params = new LinkedHashMap<>(ctx.detectorParams(KnnDetector.NAME));
      params.put("maxReference", Integer.toString(multiple == MULTIPLES[MULTIPLES.length - 1]
          ? (int) Math.min(trainCount, new KnnDetector().getMaxReference()) : base * multiple));
      List<PipelineStage> stages = new ArrayList<>(ctx.featurePipeline(KnnDetector.NAME).stages());
      stages.add(Detectors.create(KnnDetector.NAME, params));
      PipelineModel[] fitted = new PipelineModel[1];
      double train = BenchResults.median(1, () -> fitted[0] = new Pipeline().setStages(stages.toArray(
          new PipelineStage[0])).fit(trainRows));
      int reference = ((KnnModel) io.vigil.pipeline.AnomalyPipeline.detectorOf(fitted[0])).getNumReference();
      double score = BenchResults.median(repeat, () -> fitted[0].transform(ctx.spark().read().parquet(scoreInput))
          .select("score", inputCols.toArray(new String[0])).write().mode(SaveMode.Overwrite)
          .parquet(work + "/scored"));
      Map<String, Object> r = BenchResults.row(c, KnnDetector.NAME, String.format("score job %dx reference (%d rows)",
          multiple, reference), rows, score, "parquet read+write (IO floor)", ioFloor);
      r.put("reference_rows", reference);
      r.put("train_seconds", train);
      r.put("distances_per_s", rows * (double) reference / score);
      out.add(r);
    }
    trainRows.unpersist();
    ctx.warehouse().delete(work);
    BenchResults.write(out, resultsDir, "knn-scaling-" + ctx.datasetKey());
    return out;
  }
}

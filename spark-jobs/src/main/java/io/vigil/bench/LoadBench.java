package io.vigil.bench;

import io.vigil.jobs.JobConfig;
import io.vigil.jobs.JobContext;
import io.vigil.jobs.NightlyJob;
import io.vigil.jobs.TrainJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

public final class LoadBench {

  private LoadBench() {}

  /**
   * The load bench: a nightly run (score, evaluate, drift; the model trained once before) over the config's scoring
   * input replicated to at least {@code targetRows} rows, against the IO floor of the same rows
   * ({@link BenchResults#scoreTableFloor}), the two timed in turns, medians of {@code repeat} pairs after a warm-up
   * pair (a single pair measured the floor at 47 and 39 s in two runs of the same build, 0.75x and 0.60x); reports
   * rows/s and the JVM's peak heap over the timed runs (driver and, on local[*], the executors) beside the maximum.
   */
  public static List<Map<String, Object>> run(JobContext ctx, List<String> detectors, long targetRows, int repeat,
      String resultsDir) {
    BenchResults.prepare(ctx);
    JobConfig c = ctx.config();
    String work = ctx.warehouse().root() + "/bench-load";
    String input = work + "/input";
    Dataset<Row> source = ctx.readChecked(io.vigil.jobs.Inputs.has(c, "score") ? "score" : "test").valid();
    long n = source.count();
    long copies = (targetRows + n - 1) / n;
    source.crossJoin(ctx.spark().range(copies).withColumnRenamed("id", "__copy")).drop("__copy")
        .write().mode(SaveMode.Overwrite).parquet(input);
    long rows = ctx.spark().read().parquet(input).count();
    String runDate = BenchResults.runDate(ctx);
    Runnable ioFloor = () -> BenchResults.scoreTableFloor(ctx, input, work + "/io-floor-table", runDate);
    JobContext loadCtx = BenchResults.scoringContext(ctx, input, work + "/warehouse");
    List<Map<String, Object>> out = new ArrayList<>();
    for (String d : detectors) {
      TrainJob.run(loadCtx, d); // the timed nightly run below reuses this model
      java.lang.management.ManagementFactory.getMemoryPoolMXBeans().forEach(
          java.lang.management.MemoryPoolMXBean::resetPeakUsage);
      double[] floorAndNightly = BenchResults.pairedMedians(repeat, ioFloor,
          () -> NightlyJob.run(loadCtx, List.of(d), runDate)); // each run replaces the date's partitions
      double floor = floorAndNightly[0];
      double seconds = floorAndNightly[1];
      long peak = 0;
      for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == java.lang.management.MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      Map<String, Object> r = BenchResults.row(c, d, "nightly load (score + evaluate)", rows, seconds,
          BenchResults.SCORE_FLOOR, floor);
      r.put("ratio_vs_baseline", floor / seconds);
      r.put("peak_heap_mb", peak / 1e6);
      r.put("max_heap_mb", Runtime.getRuntime().maxMemory() / 1e6);
      r.put("master", ctx.spark().sparkContext().master());
      r.put("repeat", repeat);
      out.add(r);
    }
    ctx.warehouse().delete(work);
    BenchResults.write(out, resultsDir, "bench-load-" + ctx.datasetKey());
    return out;
  }
}

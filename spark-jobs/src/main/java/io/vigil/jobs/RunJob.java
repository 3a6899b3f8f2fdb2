package io.vigil.jobs;

import io.vigil.reports.RunReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * run: prepare (when the prepared tables are missing), then train, score and evaluate each detector, and
 * write the run report ({@link RunReport}).
 */
public final class RunJob {

  private RunJob() {}

  public static List<Map<String, Object>> run(JobContext ctx, List<String> detectors, String runDate,
      boolean forcePrepare) {
    if (forcePrepare || !PrepareJob.isPrepared(ctx)) {
      PrepareJob.run(ctx);
    }
    List<Map<String, Object>> metrics = new ArrayList<>();
    for (String detector : detectors) {
      ScoreJob.run(ctx, TrainJob.run(ctx, detector), runDate);
      metrics.add(EvaluateJob.run(ctx, detector, runDate));
    }
    RunReport.write(ctx.reportInputs(), runDate, detectors);
    return metrics;
  }
}

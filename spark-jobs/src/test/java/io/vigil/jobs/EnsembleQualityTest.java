package io.vigil.jobs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.core.AnomalyModel;
import io.vigil.ensemble.EnsembleModel;
import io.vigil.eval.AnomalyEvaluator;
import io.vigil.testing.RealData;
import io.vigil.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The ensemble on kdd-honest (41 features) through the run job: its weights chosen on the validation rows,
 * its test ROC AUC above that of each of its members, measured on the same test rows with the member
 * models inside the saved ensemble.
 */
@Tag("realdata")
class EnsembleQualityTest extends SparkTestBase {

  static final String MEMBERS = "pca,iforest";

  @Test
  void givenKddHonestAllFeatures_whenTheEnsembleRuns_thenItBeatsEachOfItsMembersOnTheTestRows() {
    Path project = Path.of(System.getProperty("vigil.project.dir", "..")).toAbsolutePath().normalize();
    JobContext ctx = JobContext.of(spark, JobConfig.load(project.resolve("conf/kdd-honest.conf").toString(),
        KddRunTest.OUTPUT, Map.of("shared.data", RealData.sharedData().toString(), "ensemble.members", MEMBERS)));
    Map<String, Object> m = RunJob.run(ctx, List.of("ensemble"), "2026-11-22", false).get(0);
    double ensembleAuc = (Double) m.get("roc_auc");

    Warehouse wh = ctx.warehouse();
    PipelineModel model = PipelineModel.load(wh.modelDir(ctx.datasetKey(), "ensemble",
        wh.currentVersion(ctx.datasetKey(), "ensemble")));
    EnsembleModel ensemble = (EnsembleModel) io.vigil.threshold.Thresholds.detectorOf(model);
    Dataset<Row> test = TrainJob.stagesBefore(model).transform(ctx.readChecked("test.path").valid())
        .select(ensemble.getFeaturesCol(), ctx.labelCol()).cache();
    StringBuilder report = new StringBuilder("ensemble " + ensembleAuc + " weights "
        + Arrays.toString(ensemble.getWeights()));
    double best = 0;
    for (AnomalyModel<?> member : ensemble.memberModels()) {
      double auc = new AnomalyEvaluator().setScoreCol(member.getScoreCol()).setLabelCol(ctx.labelCol())
          .evaluate(member.scoreOnly(test));
      report.append(", ").append(member.detectorName()).append(' ').append(auc);
      best = Math.max(best, auc);
    }
    test.unpersist();
    System.out.println(report);
    assertTrue(ensembleAuc > best, report.toString());
  }
}

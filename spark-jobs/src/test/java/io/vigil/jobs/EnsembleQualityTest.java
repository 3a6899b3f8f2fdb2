package io.vigil.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.reports.MetricTable;
import io.vigil.testing.RealData;
import io.vigil.testing.SparkTestBase;
import io.vigil.warehouse.Tables;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The ensemble through the run job on real data, beside its members on the same test rows: ADBench
 * satellite with its shipped config (pca, ocsvm, iforest and ae; weights chosen on the labelled 70%), and its
 * explanations in the score table. The bar: no more than .005 below the best member, which the ensemble
 * cannot know on the test rows (its weights are chosen on the validation rows). It used to beat every member
 * here; since the autoencoder's default averages every 25 minibatches, the autoencoder alone scores above it
 * (README Results). (kdd-honest's figure, .9879 against the VAE's .9847, is measured by `run`: its five members
 * take four minutes to train, past CI's budget.)
 */
@Tag("realdata")
class EnsembleQualityTest extends SparkTestBase {

  @Test
  void givenAdbenchSatellite_whenTheEnsembleRunsBesideItsMembers_thenItStaysWithin0005OfTheBestOfThem() {
    Path project = Path.of(System.getProperty("vigil.project.dir", "..")).toAbsolutePath().normalize();
    JobContext ctx = JobContext.of(spark, JobConfig.load(project.resolve("conf/adbench-satellite.conf").toString(),
        KddRunTest.OUTPUT, Map.of("shared.data", RealData.sharedData().toString(), "ensemble.explainTopK", "3")));
    List<String> members = ctx.config().getList("ensemble.members");
    assertEquals(List.of("pca", "ocsvm", "iforest", "ae"), members);
    List<String> detectors = new java.util.ArrayList<>(members);
    detectors.add("ensemble");
    List<Map<String, Object>> metrics = RunJob.run(ctx, detectors, "2026-11-22", false);
    System.out.println(MetricTable.format(metrics));
    double best = metrics.stream().filter(m -> members.contains((String) m.get("detector")))
        .mapToDouble(m -> (Double) m.get("roc_auc")).max().orElseThrow();
    double ensemble = (Double) metrics.get(metrics.size() - 1).get("roc_auc");
    assertTrue(ensemble >= best - 0.005, "ensemble " + ensemble + " vs best member " + best);

    // its explanations in the score table: three names on every flagged row, none on the others
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> scores = Tables.read(spark,
        ctx.warehouse().table(ctx.config().get("scores.table"))).where("detector = 'ensemble'");
    long flagged = scores.where("prediction = 1").count();
    assertTrue(flagged > 100, flagged + " flagged rows");
    assertEquals(flagged, scores.where("prediction = 1 AND size(top_features) = 3").count());
    assertEquals(0, scores.where("prediction = 0 AND size(top_features) > 0").count());
  }
}

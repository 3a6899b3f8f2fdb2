package io.vigil.jobs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.reports.MetricTable;
import io.vigil.testing.RealData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The autoencoder and the VAE through the shipped configs on the real data, at the neural-detectors
 * issue's bars: deepad-8020 AE >= .97 and VAE >= .965; kdd-honest (41 features) AE >= .98. Settings were
 * chosen on the validation splits (bench/results/ae-validation-sweep.md). That one and two workers rank alike
 * is AutoencoderDetectorTest's check (a second real-data training here cost CI a minute).
 * The sequence model on deepad-8020 at its config's settings (6 epochs, row as sequence): >= .96 (the reference's
 * .919; .9697 measured when its training moved to the plain-Java LSTM, .9663 through DL4J's fit, whose epochs did
 * not fit CI's budget). (The BiGAN's deepad figure is measured, not asserted here: its .9681 is below the issue's
 * .97; README Results.)
 */
@Tag("realdata")
class NeuralQualityTest extends io.vigil.testing.SparkTestBase {

  static Map<String, Object> run(String conf, String workers, String date) {
    return run(conf, "ae", workers, date);
  }

  static Map<String, Object> run(String conf, String detector, String workers, String date) {
    Path project = Path.of(System.getProperty("vigil.project.dir", "..")).toAbsolutePath().normalize();
    JobContext ctx = JobContext.of(spark, JobConfig.load(project.resolve("conf/" + conf).toString(), KddRunTest.OUTPUT,
        Map.of("shared.data", RealData.sharedData().toString(), detector + ".numWorkers", workers)));
    if (!PrepareJob.isPrepared(ctx)) {
      PrepareJob.run(ctx);
    }
    List<Map<String, Object>> m = RunJob.run(ctx, List.of(detector), date, false);
    System.out.println(MetricTable.format(m));
    return m.get(0);
  }

  @Test
  void givenDeepad8020_whenTheAutoencoderTrainsOnTwoWorkers_thenRocAucAtLeast097() {
    Map<String, Object> m = run("deepad-8020.conf", "2", "2026-11-22");
    assertTrue((Double) m.get("roc_auc") >= 0.97, m.toString());
  }

  @Test
  void givenDeepad8020_whenTheVariationalAutoencoderRuns_thenRocAucAtLeast0965() {
    // The neural-detectors issue's VAE bar (reference .946).
    Map<String, Object> m = run("deepad-8020.conf", "vae", "2", "2026-11-22");
    assertTrue((Double) m.get("roc_auc") >= 0.965, m.toString());
  }

  @Test
  void givenDeepad8020_whenTheSequenceModelRuns_thenRocAucAtLeast096() {
    Map<String, Object> m = run("deepad-8020.conf", "seq2seq", "2", "2026-11-22");
    assertTrue((Double) m.get("roc_auc") >= 0.96, m.toString());
  }

  @Test
  void givenKddHonestAllFeatures_whenTheAutoencoderRuns_thenRocAucAtLeast098() {
    Map<String, Object> m = run("kdd-honest.conf", "2", "2026-11-22");
    assertTrue((Double) m.get("roc_auc") >= 0.98, m.toString());
  }
}

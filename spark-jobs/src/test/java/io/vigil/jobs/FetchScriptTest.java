package io.vigil.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.testing.RealData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** data/fetch-kdd.sh, run against the local mirror of the originals (no network here). */
@Tag("realdata")
class FetchScriptTest {

  static Path script(String name) {
    return Path.of(System.getProperty("vigil.project.dir", "..")).resolve("data/" + name).toAbsolutePath();
  }

  static String run(Path dest, String mirror, int expectedExit) throws Exception {
    return run("fetch-kdd.sh", dest, mirror, expectedExit);
  }

  static String run(String script, Path dest, String mirror, int expectedExit) throws Exception {
    Process p = new ProcessBuilder("bash", script(script).toString(), dest.toString(), "--mirror", mirror)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(expectedExit, p.waitFor(), out);
    return out;
  }

  @Test
  void givenTheMirror_whenFetched_thenEveryFileIsThereAndChecksumsMatch(@TempDir Path dest) throws Exception {
    String out = run(dest, RealData.sharedData().resolve("kdd").toString(), 0);
    assertTrue(out.contains("kddcup.data_10_percent.gz ok (aef2e2f207a408ad7a36323a511f195f)"), out);
    assertTrue(out.contains("corrected.gz ok (eda94feeebfb21637338f599c1bf18be)"), out);
    assertTrue(Files.exists(dest.resolve("training_attack_types.txt")));
    assertTrue(Files.exists(dest.resolve("deepad_8020/test_inliers.csv")));
  }

  @Test
  void givenTheNabMirror_whenFetched_thenTheSeriesAndWindowsAreThereWithTheirChecksums(@TempDir Path dest)
      throws Exception {
    String out = run("fetch-nab.sh", dest, RealData.sharedData().resolve("nab").toString(), 0);
    assertTrue(out.contains("nyc_taxi.csv ok (0c71fc23265dfa34ce7ff6c8459cd018)"), out);
    assertTrue(out.contains("combined_windows.json ok (d2ec0ef3652beca9e4847fe4f3815529)"), out);
    assertTrue(Files.exists(dest.resolve("ambient_temperature_system_failure.csv")));
  }

  @Test
  void givenACorruptFile_whenFetched_thenTheChecksumFailureNamesIt(@TempDir Path tmp) throws Exception {
    Path mirror = tmp.resolve("mirror");
    Files.createDirectories(mirror.resolve("deepad_8020"));
    Path real = RealData.sharedData().resolve("kdd");
    for (String f : new String[] {"corrected.gz", "training_attack_types.txt", "deepad_8020/test_inliers.csv",
        "deepad_8020/test_outliers.csv", "deepad_8020/val_inliers.csv.gz", "deepad_8020/val_outliers.csv.gz"}) {
      Files.copy(real.resolve(f), mirror.resolve(f));
    }
    Files.writeString(mirror.resolve("kddcup.data_10_percent.gz"), "not the file");
    String out = run(tmp.resolve("dest"), mirror.toString(), 1);
    assertTrue(out.contains("md5 of kddcup.data_10_percent.gz is"), out);
  }
}

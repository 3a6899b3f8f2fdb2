package io.vigil.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.testing.RealData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class NabScoreTest {

  private static LocalDateTime[] hours(int n) {
    LocalDateTime[] t = new LocalDateTime[n];
    for (int i = 0; i < n; i++) {
      t[i] = LocalDateTime.of(2020, 1, 1, 0, 0).plusHours(i);
    }
    return t;
  }

  @Test
  void givenTheNullThePerfectAndALateDetector_whenScored_thenNabsWeights() {
    LocalDateTime[] t = hours(1000); // probation: the first 150 rows
    List<NabScore.Window> windows = List.of(new NabScore.Window(t[400], t[499]), new NabScore.Window(t[700], t[799]));
    double[] none = new double[1000];
    NabScore.Result nothing = NabScore.score(t, none, windows, 0.5, NabScore.STANDARD);
    assertEquals(-2.0, nothing.raw(), 1e-12);
    assertEquals(0.0, nothing.normalised(), 1e-12);
    double[] perfect = new double[1000];
    perfect[400] = 1;
    perfect[700] = 1;
    NabScore.Result best = NabScore.score(t, perfect, windows, 0.5, NabScore.STANDARD);
    assertEquals(2.0, best.raw(), 1e-12);
    assertEquals(100.0, best.normalised(), 1e-12);
    // one window found at its last row (weight 2 sigmoid(5 / 100) - 1 over the maximum), one false positive
    // before any window (-fpWeight), one during probation (not scored), the other window missed (-fnWeight)
    double[] late = new double[1000];
    late[499] = 1;
    late[200] = 1;
    late[10] = 1;
    NabScore.Result r = NabScore.score(t, late, windows, 0.5, NabScore.REWARD_LOW_FP);
    double lastRow = (2.0 / (1.0 + Math.exp(-5.0 / 100)) - 1) / (2.0 / (1.0 + Math.exp(-5.0)) - 1);
    assertEquals(lastRow - 0.22 - 1.0, r.raw(), 1e-12);
    assertEquals(1, r.truePositives());
    assertEquals(1, r.falsePositives());
    assertEquals(1, r.windowsDetected());
    // a false positive half a window past a window: the sigmoid of 0.5 window widths
    double[] after = new double[1000];
    after[400] = 1;
    after[700] = 1;
    after[549] = 1;
    double past = 2.0 / (1.0 + Math.exp(5.0 * 50 / 99.0)) - 1;
    assertEquals(2.0 + 0.11 * past, NabScore.score(t, after, windows, 0.5, NabScore.STANDARD).raw(), 1e-12);
  }

  @Test
  @Tag("realdata")
  void givenNabsPublishedDetectorOutputs_whenRescored_thenEveryPublishedStandardScoreWithin0001() throws IOException {
    Path nab = RealData.sharedData().resolve("nab");
    String windows = Files.readString(nab.resolve("combined_windows.json"));
    JsonNode thresholds = new ObjectMapper().readTree(nab.resolve("results/thresholds.json").toFile());
    int checked = 0;
    for (String detector : List.of("numenta", "ARTime")) {
      double threshold = thresholds.get(detector).get("standard").get("threshold").asDouble();
      List<String> published = Files.readAllLines(nab.resolve("results/" + detector + "_standard_scores.csv"));
      for (String line : published.subList(1, published.size())) {
        String[] f = line.split(",");
        String file = f[2];
        String series = file.substring(file.indexOf('/') + 1, file.length() - ".csv".length());
        NabScore.Series output = NabScore.readResults(nab.resolve("results/" + detector + "_" + series + ".csv"));
        NabScore.Result r = NabScore.score(output.timestamps(), output.scores(), NabScore.windows(windows, file), threshold, NabScore.STANDARD);
        assertEquals(Double.parseDouble(f[4]), r.raw(), 0.001, detector + " on " + series + ": " + r);
        checked++;
      }
    }
    assertEquals(6, checked);
  }
}

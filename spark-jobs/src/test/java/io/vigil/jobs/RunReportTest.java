package io.vigil.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.reports.RunReport;
import io.vigil.testing.RealData;
import io.vigil.testing.SparkTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The run report rendered by a real browser: a run of three detectors on ADBench thyroid (with
 * explanations), its report.html opened in headless Chromium, and the page Chromium built checked for the
 * numbers the run computed. Chromium is Debian's {@code chromium} (.ci/run installs it).
 */
@Tag("realdata")
class RunReportTest extends SparkTestBase {

  private static final Path CHROMIUM = Path.of(System.getProperty("vigil.chromium", "/usr/bin/chromium"));
  private static final String DATE = "2026-11-23";

  @Test
  void givenARunOfThreeDetectors_whenItsReportIsRenderedInChromium_thenThePageShowsTheRunsNumbers() throws Exception {
    assertTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: install Debian's chromium (apt-get install"
        + " chromium) or point -Dvigil.chromium at a Chromium binary.");
    Path project = Path.of(System.getProperty("vigil.project.dir", "..")).toAbsolutePath().normalize();
    String output = Path.of("target/report-warehouse").toAbsolutePath().toString();
    JobContext ctx = JobContext.of(spark, JobConfig.load(project.resolve("conf/adbench-thyroid.conf").toString(),
        output, Map.of("shared.data", RealData.sharedData().toString(), "pca.explainTopK", "3",
            "ocsvm.explainTopK", "3", "iforest.explainTopK", "3")));
    List<String> detectors = List.of("pca", "ocsvm", "iforest");
    List<Map<String, Object>> metrics = RunJob.run(ctx, detectors, DATE, false);
    Path report = Path.of(RunReport.path(ctx.warehouse(), DATE, ctx.datasetKey()).replaceFirst("^file:", ""));
    assertTrue(Files.isRegularFile(report), report + " was not written");

    String dom = render(report);
    for (Map<String, Object> m : metrics) {
      String detector = (String) m.get("detector");
      Matcher row = Pattern.compile("<tr data-detector=\"" + detector + "\">(.*?)</tr>", Pattern.DOTALL).matcher(dom);
      assertTrue(row.find(), "no metrics row for " + detector);
      for (String metric : List.of("roc_auc", "pr_auc", "f1", "threshold")) {
        assertEquals(String.format(Locale.ROOT, "%.4f", (Double) m.get(metric)), cell(row.group(1), metric),
            detector + " " + metric);
      }
      assertEquals(String.valueOf(m.get("n_test")), cell(row.group(1), "n_test"), detector);
      assertTrue(dom.contains("id=\"detector-" + detector + "\""), "no section for " + detector);
    }
    // one curve per detector on the shared chart (ROC and PR panels), each with its operating point
    assertEquals(2 * detectors.size(), count(dom, "<polyline"), "curves");
    assertEquals(2 * detectors.size(), count(dom, "<circle"), "operating points");
    // every detector's top-20 table, explained: the top rows are flagged, so each names its top features
    assertEquals(detectors.size() * 20, count(dom, "<tr><td>"), "top-20 rows");
    assertEquals(0, count(dom, "no explanation"), "an unexplained top row");
    assertEquals(2 * detectors.size(), count(dom, "src=\"data:image/png;base64,"), "histogram and ROC/PR images");
    assertTrue(dom.contains("Drift: PSI"), "drift figures");

    // and it paints: a full-page screenshot that is not blank
    Path shot = report.resolveSibling("report.png");
    chromium("--screenshot=" + shot, "--window-size=1400,2400", report.toUri().toString());
    assertTrue(Files.size(shot) > 50_000, "screenshot of " + Files.size(shot) + " bytes");
  }

  private static String cell(String row, String metric) {
    Matcher m = Pattern.compile("data-metric=\"" + metric + "\">([^<]*)<").matcher(row);
    assertTrue(m.find(), "no " + metric + " cell in " + row);
    return m.group(1);
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  /** The DOM Chromium built from the page (after parsing and layout). */
  private static String render(Path page) throws Exception {
    return chromium("--dump-dom", page.toUri().toString());
  }

  private static String chromium(String... args) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("vigil-chromium");
    List<String> command = new java.util.ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("vigil-chromium", ".out");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "Chromium did not finish in 120 s");
    assertEquals(0, p.exitValue(), "Chromium exit status");
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}

package io.vigil.reports;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.warehouse.Tables;
import io.vigil.warehouse.Warehouse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;

/**
 * The run report: one self-contained HTML page per run and dataset ({@code reports/<date>/<dataset>/report.html},
 * images inlined) from what evaluate wrote for each detector: the metric table, the ROC and PR curves of
 * every detector on one chart with each one's threshold marked, each detector's score histogram by class
 * (its PNG, kept beside it), the drift figures, and the 20 highest-scored rows with their top features.
 */
public final class RunReport {

  /** What a report reads: the session, the warehouse, and the run's dataset, config and tables. */
  public record Inputs(org.apache.spark.sql.SparkSession spark, Warehouse warehouse, String datasetKey,
      String configSource, String protocol, String scoresTable, String labelCol) {}

  /** Line colours of the detectors on the shared chart, in run order. */
  private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
      "#e377c2", "#17becf"};
  private static final int TOP_ROWS = 20;

  private RunReport() {}

  /** The report's path for a run date and dataset. */
  public static String path(Warehouse wh, String runDate, String datasetKey) {
    return new org.apache.hadoop.fs.Path(wh.root(), "reports/" + runDate + "/" + datasetKey + "/report.html")
        .toString();
  }

  /** Writes the report of {@code detectors}' evaluations of {@code runDate}; returns its path. */
  public static String write(Inputs ctx, String runDate, List<String> detectors) {
    Warehouse wh = ctx.warehouse();
    List<Section> sections = new ArrayList<>();
    for (String detector : detectors) {
      String dir = wh.reportDir(runDate, ctx.datasetKey(), detector);
      if (!wh.exists(dir + "/metrics.json")) {
        throw new IllegalArgumentException("No evaluation of " + detector + " for " + runDate + " (" + dir
            + "/metrics.json); run evaluate first.");
      }
      JsonNode curve = wh.exists(dir + "/curve.json") ? wh.readJson(dir + "/curve.json") : null;
      sections.add(new Section(detector, dir, wh.readJson(dir + "/metrics.json"), curve));
    }
    StringBuilder html = new StringBuilder();
    String title = "Vigil run report: " + ctx.datasetKey() + ", " + runDate;
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
        .append("</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;"
            + "margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}"
            + "td.l,th.l{text-align:left}.alarm{color:#b00;font-weight:bold}img{max-width:100%}"
            + "h2{border-bottom:1px solid #ccc}</style></head><body>\n");
    html.append("<h1>").append(esc(title)).append("</h1>\n");
    html.append("<p>Config <code>").append(esc(ctx.configSource())).append("</code>, protocol ")
        .append(esc(ctx.protocol())).append(". Higher scores are more anomalous; a row is"
            + " flagged at or above its detector's threshold.</p>\n");
    metricTable(html, sections);
    if (sections.stream().anyMatch(s -> s.curve != null)) {
      html.append("<h2>ROC and precision-recall, all detectors</h2>\n");
      html.append(curvesSvg(sections));
    } else {
      html.append("<p id=\"no-labels\">No label column in the scored rows: no ranking metrics and no ROC or PR"
          + " curves. Each detector's section shows its score distribution with the threshold, the share flagged"
          + " against the share of training rows above the threshold, drift and the top-scoring rows.</p>\n");
    }
    for (Section s : sections) {
      detectorSection(html, ctx, wh, runDate, s);
    }
    html.append("</body></html>\n");
    String out = path(wh, runDate, ctx.datasetKey());
    wh.writeText(out, html.toString());
    return out;
  }

  private record Section(String detector, String dir, JsonNode metrics, JsonNode curve) {}

  private static final String[][] METRICS = {{"roc_auc", "ROC AUC"}, {"pr_auc", "PR AUC"},
      {"precision", "precision"}, {"recall", "recall"}, {"f1", "F1"}, {"f2", "F2"}, {"threshold", "threshold"},
      {"n_test", "rows"}, {"n_test_anomalies", "anomalies"}, {"n_flagged", "flagged"},
      {"rows_rejected", "rejected"}};

  private static void metricTable(StringBuilder html, List<Section> sections) {
    html.append("<h2>Metrics</h2>\n<table id=\"metrics\"><tr><th class=\"l\">detector</th>"
        + "<th class=\"l\">model version</th><th class=\"l\">threshold from</th>");
    for (String[] m : METRICS) {
      html.append("<th>").append(m[1]).append("</th>");
    }
    html.append("</tr>\n");
    for (Section s : sections) {
      html.append("<tr data-detector=\"").append(esc(s.detector)).append("\"><td class=\"l\">")
          .append(esc(s.detector)).append("</td><td class=\"l\">").append(esc(s.metrics.path("model_version").asText()))
          .append("</td><td class=\"l\">").append(esc(s.metrics.path("threshold_strategy").asText())).append("</td>");
      for (String[] m : METRICS) {
        html.append("<td data-metric=\"").append(m[0]).append("\">").append(number(s.metrics.path(m[0])))
            .append("</td>");
      }
      html.append("</tr>\n");
    }
    html.append("</table>\n");
  }

  /** Two SVG panels (ROC, PR) with one polyline per detector and a circle at its threshold's operating point. */
  private static String curvesSvg(List<Section> sections) {
    int size = 320;
    int pad = 45;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg id=\"curves\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(2 * (size + 2 * pad) + 220)
        .append("\" height=\"").append(size + 2 * pad).append("\" font-size=\"12\">\n");
    String[][] panels = {{"ROC", "false positive rate", "true positive rate"}, {"PR", "recall", "precision"}};
    for (int p = 0; p < 2; p++) {
      int x0 = pad + p * (size + 2 * pad);
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
          + " stroke=\"#444\"/><text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text><text x=\"%d\" y=\"%d\">%s"
          + " (0..1)</text><text x=\"%d\" y=\"%d\" transform=\"rotate(-90 %d %d)\">%s (0..1)</text>\n", x0, pad, size,
          size, x0, pad - 10, panels[p][0], x0, pad + size + 30, panels[p][1], x0 - 12, pad + size, x0 - 12,
          pad + size, panels[p][2]));
      if (p == 0) {
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ccc\""
            + " stroke-dasharray=\"4 4\"/>\n", x0, pad + size, x0 + size, pad));
      }
      for (int i = 0; i < sections.size(); i++) {
        Section s = sections.get(i);
        if (s.curve == null) {
          continue;
        }
        String colour = COLOURS[i % COLOURS.length];
        StringBuilder points = new StringBuilder();
        for (JsonNode pt : s.curve.path("points")) {
          double x = p == 0 ? pt.get(0).asDouble() : pt.get(3).asDouble();
          double y = p == 0 ? pt.get(1).asDouble() : pt.get(2).asDouble();
          if (Double.isFinite(x) && Double.isFinite(y) && !(p == 1 && pt.get(3).asDouble() == 0)) {
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x0 + x * size, pad + size - y * size));
          }
        }
        svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour).append("\" points=\"")
            .append(points).append("\"/>\n");
        JsonNode m = s.metrics;
        double tp = m.path("tp").asDouble();
        double fp = m.path("fp").asDouble();
        double tn = m.path("tn").asDouble();
        double ox = p == 0 ? (fp + tn > 0 ? fp / (fp + tn) : Double.NaN) : m.path("recall").asDouble(Double.NaN);
        double oy = p == 0 ? m.path("recall").asDouble(Double.NaN) : (tp + fp > 0 ? tp / (tp + fp) : Double.NaN);
        if (Double.isFinite(ox) && Double.isFinite(oy)) {
          svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"white\" stroke=\"%s\""
              + " stroke-width=\"2\"><title>%s at its threshold %s</title></circle>\n", x0 + ox * size,
              pad + size - oy * size, colour, esc(s.detector), number(m.path("threshold"))));
        }
      }
    }
    int lx = 2 * (size + 2 * pad) + 10;
    for (int i = 0; i < sections.size(); i++) {
      Section s = sections.get(i);
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>"
          + "<text x=\"%d\" y=\"%d\">%s: ROC %s, PR %s</text>\n", lx, pad + 20 * i, COLOURS[i % COLOURS.length],
          lx + 20, pad + 20 * i + 6, esc(s.detector), number(s.metrics.path("roc_auc")),
          number(s.metrics.path("pr_auc"))));
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">o = operating point at the threshold</text>\n",
        lx, pad + 20 * sections.size() + 10));
    return svg.append("</svg>\n").toString();
  }

  private static void detectorSection(StringBuilder html, Inputs ctx, Warehouse wh, String runDate, Section s) {
    JsonNode m = s.metrics;
    html.append("<h2 id=\"detector-").append(esc(s.detector)).append("\">").append(esc(s.detector)).append("</h2>\n");
    boolean alarm = m.path("drift_alarm").asBoolean(false);
    html.append("<p class=\"drift\">Drift: PSI of this run's scores against the training scores <b data-metric=\"psi\">")
        .append(number(m.path("psi"))).append("</b>").append(alarm ? " <span class=\"alarm\">ALARM</span>" : "")
        .append("; share flagged <b data-metric=\"share_flagged\">").append(number(m.path("share_flagged")))
        .append("</b> against <b data-metric=\"expected_share_flagged\">").append(number(m.path("expected_share_flagged")))
        .append("</b> of the training rows.</p>\n");
    for (String png : new String[] {"histogram.png", "roc_pr.png"}) {
      String file = s.dir + "/" + png;
      if (wh.exists(file)) {
        html.append("<img alt=\"").append(esc(s.detector)).append(' ').append(png).append("\" src=\"data:image/png;base64,")
            .append(Base64.getEncoder().encodeToString(wh.readBytes(file))).append("\">\n");
      }
    }
    topRows(html, ctx, wh, runDate, s.detector);
  }

  /** The run's 20 highest-scored rows of the detector (20 rows reach the driver, no more). */
  private static void topRows(StringBuilder html, Inputs ctx, Warehouse wh, String runDate, String detector) {
    String table = wh.table(ctx.scoresTable());
    if (!Tables.exists(ctx.spark(), table)) {
      return;
    }
    var rows = Tables.read(ctx.spark(), table).where(col("run_date").equalTo(lit(runDate))
        .and(col("detector").equalTo(lit(detector))));
    boolean labelled = java.util.Arrays.asList(rows.columns()).contains(ctx.labelCol());
    List<Row> top = rows.orderBy(desc("score")).limit(TOP_ROWS).select(col("score"), col("prediction"),
        col("top_features"), labelled ? col(ctx.labelCol()) : lit(null)).collectAsList();
    html.append("<h3>Top ").append(TOP_ROWS).append(" anomalies</h3>\n<table class=\"top\"><tr><th>rank</th>"
        + "<th>score</th><th>flagged</th><th>label</th><th class=\"l\">top contributing features</th></tr>\n");
    for (int i = 0; i < top.size(); i++) {
      Row r = top.get(i);
      String features = r.isNullAt(2) ? "(no explanation: set explainTopK)" : String.join(", ", r.<String>getList(2));
      html.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%s</td><td>%s</td><td>%s</td><td class=\"l\">%s</td>"
          + "</tr>\n", i + 1, format(r.getDouble(0)), r.getDouble(1) == 1.0 ? "yes" : "no",
          r.isNullAt(3) ? "" : String.valueOf(r.get(3)), esc(features)));
    }
    html.append("</table>\n");
  }

  private static String number(JsonNode v) {
    if (v == null || v.isMissingNode() || v.isNull()) {
      return "–";
    }
    return v.isIntegralNumber() ? String.valueOf(v.asLong()) : format(v.asDouble());
  }

  private static String format(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "–";
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}

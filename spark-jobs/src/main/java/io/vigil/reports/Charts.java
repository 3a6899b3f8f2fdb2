package io.vigil.reports;

import io.vigil.eval.EvaluationSummary;
import io.vigil.eval.Histogram;
import io.vigil.eval.ScoreCurve;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * PNG charts of an evaluation, drawn with Java2D (headless; no plotting dependency): the score
 * histogram by class with the threshold marked, and the ROC and precision-recall curves side by side.
 */
public final class Charts {

  private static final int W = 900;
  private static final int H = 450;
  private static final int PAD = 60;
  private static final Color NORMAL = new Color(40, 110, 200, 170);
  private static final Color ANOMALY = new Color(220, 60, 40, 170);

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** Histogram of scores per class (counts on a log scale), threshold as a dashed line. */
  public static byte[] histogramPng(EvaluationSummary s, String title) {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img, title);
    Histogram h = s.histogram();
    int bins = h.normalCounts().length;
    if (bins > 0) {
      long maxCount = 1;
      for (int i = 0; i < bins; i++) {
        maxCount = Math.max(maxCount, Math.max(h.normalCounts()[i], h.anomalyCounts()[i]));
      }
      double lo = h.edges()[0];
      double hi = h.edges()[bins];
      double span = hi > lo ? hi - lo : 1;
      int plotW = W - 2 * PAD;
      int plotH = H - 2 * PAD;
      double logMax = Math.log10(maxCount + 1);
      for (int i = 0; i < bins; i++) {
        int x0 = PAD + (int) ((h.edges()[i] - lo) / span * plotW);
        int x1 = PAD + (int) ((h.edges()[i + 1] - lo) / span * plotW);
        bar(g, NORMAL, x0, x1, Math.log10(h.normalCounts()[i] + 1) / logMax, plotH);
        bar(g, ANOMALY, x0, x1, Math.log10(h.anomalyCounts()[i] + 1) / logMax, plotH);
      }
      double t = h.log10Scale() ? Math.log10(Math.max(s.threshold(), Histogram.LOG_FLOOR)) : s.threshold();
      if (Double.isFinite(t)) {
        int xt = PAD + (int) ((Math.min(Math.max(t, lo), hi) - lo) / span * plotW);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(2, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {8, 6}, 0));
        g.drawLine(xt, PAD, xt, H - PAD);
        g.drawString(String.format("threshold %.4g", s.threshold()), Math.min(xt + 5, W - PAD - 110), PAD + 15);
      }
      g.setStroke(new BasicStroke(1));
      axes(g, String.format("%s: %.3g .. %.3g", h.log10Scale() ? "log10(score)" : "score", lo, hi),
          "rows (log scale)");
    } else {
      g.drawString("no rows", W / 2 - 30, H / 2);
    }
    legend(g, "normal (" + (s.rows() - s.positives()) + ")", "anomaly (" + s.positives() + ")");
    return png(img);
  }

  /** ROC curve (left) and precision-recall curve (right), with the AUCs in the titles. */
  public static byte[] curvesPng(EvaluationSummary s, String title) {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img, title);
    List<ScoreCurve.Point> pts = s.curve();
    int size = H - 2 * PAD;
    int leftX = PAD;
    int rightX = W / 2 + PAD / 2;
    g.setColor(Color.LIGHT_GRAY);
    g.drawLine(leftX, H - PAD, leftX + size, H - PAD - size);
    frame(g, leftX, size, String.format("ROC  AUC %.4f", s.rocAuc()), "false positive rate", "true positive rate");
    frame(g, rightX, size, String.format("PR  AP %.4f", s.prAuc()), "recall", "precision");
    g.setStroke(new BasicStroke(2));
    g.setColor(ANOMALY.darker());
    for (int i = 1; i < pts.size(); i++) {
      ScoreCurve.Point a = pts.get(i - 1);
      ScoreCurve.Point b = pts.get(i);
      g.drawLine(leftX + (int) (a.fpr() * size), H - PAD - (int) (a.tpr() * size),
          leftX + (int) (b.fpr() * size), H - PAD - (int) (b.tpr() * size));
      if (i > 1) {
        g.drawLine(rightX + (int) (a.recall() * size), H - PAD - (int) (a.precision() * size),
            rightX + (int) (b.recall() * size), H - PAD - (int) (b.precision() * size));
      }
    }
    return png(img);
  }

  /**
   * Line chart of named series (x on a log10 axis when {@code logX}), each point marked and labelled
   * with its y: the bench's scale curve (time per row against rows).
   */
  public static byte[] linesPng(String title, String xLabel, String yLabel, List<String> names, List<double[]> xs,
      List<double[]> ys, boolean logX) {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img, title);
    double xLo = Double.POSITIVE_INFINITY;
    double xHi = Double.NEGATIVE_INFINITY;
    double yHi = 0;
    for (int s = 0; s < names.size(); s++) {
      for (int i = 0; i < xs.get(s).length; i++) {
        double x = logX ? Math.log10(xs.get(s)[i]) : xs.get(s)[i];
        xLo = Math.min(xLo, x);
        xHi = Math.max(xHi, x);
        yHi = Math.max(yHi, ys.get(s)[i]);
      }
    }
    double xSpan = xHi > xLo ? xHi - xLo : 1;
    yHi = yHi > 0 ? yHi * 1.15 : 1;
    int plotW = W - 2 * PAD - 170;
    int plotH = H - 2 * PAD;
    Color[] colours = {new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44),
        new Color(148, 103, 189), new Color(255, 127, 14)};
    for (int s = 0; s < names.size(); s++) {
      g.setColor(colours[s % colours.length]);
      g.setStroke(new BasicStroke(2));
      int px = -1;
      int py = -1;
      for (int i = 0; i < xs.get(s).length; i++) {
        double x = logX ? Math.log10(xs.get(s)[i]) : xs.get(s)[i];
        int cx = PAD + (int) ((x - xLo) / xSpan * plotW);
        int cy = H - PAD - (int) (ys.get(s)[i] / yHi * plotH);
        if (px >= 0) {
          g.drawLine(px, py, cx, cy);
        }
        g.fillOval(cx - 4, cy - 4, 8, 8);
        g.drawString(String.format("%.3g", ys.get(s)[i]), cx + 6, cy - 6);
        px = cx;
        py = cy;
      }
      g.fillRect(W - PAD - 160, PAD + 20 * s, 12, 12);
      g.setColor(Color.BLACK);
      g.drawString(names.get(s), W - PAD - 142, PAD + 20 * s + 11);
    }
    g.setStroke(new BasicStroke(1));
    axes(g, xLabel + (logX ? String.format(" (log scale, %.3g .. %.3g)", Math.pow(10, xLo), Math.pow(10, xHi))
        : ""), yLabel + String.format(" (0 .. %.3g)", yHi));
    return png(img);
  }

  private static Graphics2D canvas(BufferedImage img, String title) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, PAD, 25);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    return g;
  }

  private static void bar(Graphics2D g, Color c, int x0, int x1, double frac, int plotH) {
    int h = (int) (frac * plotH);
    g.setColor(c);
    g.fillRect(x0, H - PAD - h, Math.max(1, x1 - x0 - 1), h);
  }

  private static void axes(Graphics2D g, String xLabel, String yLabel) {
    g.setColor(Color.BLACK);
    g.drawLine(PAD, H - PAD, W - PAD, H - PAD);
    g.drawLine(PAD, PAD, PAD, H - PAD);
    g.drawString(xLabel, PAD, H - PAD + 30);
    g.drawString(yLabel, 5, PAD - 10);
  }

  private static void frame(Graphics2D g, int x, int size, String title, String xLabel, String yLabel) {
    g.setColor(Color.BLACK);
    g.drawRect(x, H - PAD - size, size, size);
    g.drawString(title, x + 5, H - PAD - size - 8);
    g.drawString(xLabel + " (0..1)", x, H - PAD + 20);
    g.drawString(yLabel, x, H - PAD + 36);
  }

  private static void legend(Graphics2D g, String normal, String anomaly) {
    g.setColor(NORMAL);
    g.fillRect(W - PAD - 170, PAD, 12, 12);
    g.setColor(ANOMALY);
    g.fillRect(W - PAD - 170, PAD + 18, 12, 12);
    g.setColor(Color.BLACK);
    g.drawString(normal, W - PAD - 152, PAD + 11);
    g.drawString(anomaly, W - PAD - 152, PAD + 29);
  }

  private static byte[] png(BufferedImage img) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.vigil.reports;

import java.util.List;
import java.util.Map;

/** Formats metric rows as the plain-text table the run command prints. */
public final class MetricTable {

  private static final String[] COLUMNS = {"dataset", "protocol", "detector", "roc_auc", "pr_auc", "precision",
      "recall", "f1", "f2", "threshold", "n_train", "n_test", "rows_rejected"};

  private MetricTable() {}

  public static String format(List<Map<String, Object>> rows) {
    String[][] cells = new String[rows.size() + 1][COLUMNS.length];
    int[] width = new int[COLUMNS.length];
    for (int j = 0; j < COLUMNS.length; j++) {
      cells[0][j] = COLUMNS[j];
      for (int i = 0; i < rows.size(); i++) {
        cells[i + 1][j] = cell(rows.get(i).get(COLUMNS[j]));
      }
      for (String[] row : cells) {
        width[j] = Math.max(width[j], row[j].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      for (int j = 0; j < COLUMNS.length; j++) {
        out.append(j == 0 ? "" : "  ").append(String.format("%-" + width[j] + "s", cells[i][j]));
      }
      out.append('\n');
      if (i == 0) {
        for (int j = 0; j < COLUMNS.length; j++) {
          out.append(j == 0 ? "" : "  ").append("-".repeat(width[j]));
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  private static String cell(Object v) {
    if (v instanceof Double d) {
      return Double.isNaN(d) ? "n/a" : Math.abs(d) >= 1e4 || (d != 0 && Math.abs(d) < 1e-3)
          ? String.format("%.4g", d) : String.format("%.4f", d);
    }
    return String.valueOf(v);
  }
}

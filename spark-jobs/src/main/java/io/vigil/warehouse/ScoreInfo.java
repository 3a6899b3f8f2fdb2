package io.vigil.warehouse;

import java.util.Map;

/**
 * {@code score-info.json}: what one score run did (model version, input, rows read, rejected by the input
 * policy by column, scored, quarantined, the rows whose category went to the shared 'other' slot by column,
 * the table written, and how many rows per series a windowed detector's first windows reached back into the
 * history: windowLength - 1, or 0 without history).
 * Written by score, read by evaluate and the run report, always through this record.
 */
public record ScoreInfo(int formatVersion, String detector, String modelVersion, String runDate, String input,
    long rowsIn, long rowsRejected, Map<String, Long> rowsRejectedByColumn, long rowsScored, long rowsQuarantined,
    Map<String, Long> rowsOtherCategoryByColumn, String table, long historyRowsPerSeries) {

  public static final int FORMAT_VERSION = 1;

  /** A record written before a count existed reads it as empty. */
  public ScoreInfo {
    rowsRejectedByColumn = rowsRejectedByColumn == null ? Map.of() : rowsRejectedByColumn;
    rowsOtherCategoryByColumn = rowsOtherCategoryByColumn == null ? Map.of() : rowsOtherCategoryByColumn;
  }

  public static final String FILE = "score-info.json";

  public void write(Warehouse wh, String reportDir) {
    wh.writeRecord(reportDir + "/" + FILE, this);
  }

  /** The record in {@code reportDir}, or an error saying to run score first. */
  public static ScoreInfo read(Warehouse wh, String reportDir, String detector, String runDate) {
    String path = reportDir + "/" + FILE;
    if (!wh.exists(path)) {
      throw new IllegalArgumentException("No score run of " + detector + " for " + runDate + " (" + path
          + " is missing); run score first.");
    }
    return wh.readRecord(path, ScoreInfo.class);
  }
}

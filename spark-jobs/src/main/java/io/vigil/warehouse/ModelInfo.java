package io.vigil.warehouse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * {@code model-info.json}, the registry's record of one trained model version: how it was trained (config,
 * inputs, rows, the wall-clock time and the run date it was trained for), what the fitted detector says about itself (threshold, validation figures, drift
 * baseline: {@code DetectorFacts}), and every param as its own JSON encoding. Written by train, read by
 * evaluate, nightly and the benches, always through this record; {@code format_version} says which.
 */
public record ModelInfo(int formatVersion, String detector, String version, String dataset, String protocol,
    String config, String trainedAt, String trainedForDate, double trainSeconds, String trainPath, long nTrain, long rowsRejectedTrain,
    long rowsQuarantinedTrain, int numFeatures, List<String> featuresNumeric, List<String> featuresCategorical,
    double threshold, String thresholdStrategy, double validationRocAuc, double validationPrAuc,
    double validationBestF1, long nVal, double[] trainScoreEdges, double[] trainScoreShares,
    double trainShareFlagged, Map<String, JsonNode> params, String modelSha256) {

  /** The format this code writes and reads. */
  public static final int FORMAT_VERSION = 2;

  public static final String FILE = "model-info.json";

  public void write(Warehouse wh, String modelDir) {
    wh.writeRecord(modelDir + "/" + FILE, this);
  }

  /** The record of the model version at {@code modelDir}; an error naming the file if it is of another format. */
  public static ModelInfo read(Warehouse wh, String modelDir) {
    String path = modelDir + "/" + FILE;
    int format = wh.readJson(path).path("format_version").asInt(1);
    if (format != FORMAT_VERSION) {
      throw new IllegalArgumentException(String.format("%s has format_version %d; this Vigil reads %d. Retrain the"
          + " model (vigil train) with this Vigil.", path, format, FORMAT_VERSION));
    }
    return wh.readRecord(path, ModelInfo.class);
  }

  /** A param's saved value (its JSON encoding), or null when the model has no such param. */
  public JsonNode param(String name) {
    return params.get(name);
  }
}

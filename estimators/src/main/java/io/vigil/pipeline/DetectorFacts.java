package io.vigil.pipeline;

import io.vigil.core.AnomalyModel;
import io.vigil.core.Explanations;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamPair;

/**
 * What a fitted anomaly pipeline's detector stage says about itself, for jobs and reports: the seam
 * through which they read a model without taking the pipeline apart.
 *
 * @param params every param of the detector model, each encoded by its own {@code Param.jsonEncode}
 *     (arrays as JSON arrays), by name
 * @param topFeaturesCol the column of the explanation's top feature names, null when it does not explain
 * @param validationRocAuc NaN when no validation rows were scored (likewise the other validation figures)
 * @param trainScoreEdges null when the model was not fit through {@link AnomalyPipeline}
 * @param historyRows rows per series before a batch that the detector's windows reach back to
 *     ({@link io.vigil.core.UsesHistory}); 0 when it scores rows alone
 */
public record DetectorFacts(String detector, String scoreCol, String predictionCol, String topFeaturesCol,
    double threshold, String thresholdStrategy, long numTrainingRows, int numFeatures,
    double validationRocAuc, double validationPrAuc, double validationBestF1, long numValidationRows,
    double[] trainScoreEdges, double[] trainScoreShares, double trainShareFlagged, Map<String, String> params,
    int historyRows) {

  /** The facts of {@code pipeline}'s detector stage (an error when its last stage is not a Vigil model). */
  public static DetectorFacts of(PipelineModel pipeline) {
    AnomalyModel<?> m = AnomalyPipeline.detectorOf(pipeline);
    Map<String, String> params = new TreeMap<>();
    for (ParamPair<?> p : m.extractParamMap().toList()) {
      params.put(p.param().name(), encode(p));
    }
    return new DetectorFacts(m.detectorName(), m.getScoreCol(), m.getPredictionCol(),
        m.getExplainTopK() > 0 ? Explanations.topFeaturesCol(m.getScoreCol()) : null,
        m.getThreshold(), m.getThresholdStrategy(), m.getNumTrainingRows(), m.getNumFeatures(),
        doubleOr(m, m.validationRocAuc()), doubleOr(m, m.validationPrAuc()), doubleOr(m, m.validationBestF1()),
        m.isDefined(m.numValidationRows()) ? (Long) m.getOrDefault(m.numValidationRows()) : 0L,
        m.isDefined(m.trainScoreEdges()) ? (double[]) m.getOrDefault(m.trainScoreEdges()) : null,
        m.isDefined(m.trainScoreShares()) ? (double[]) m.getOrDefault(m.trainScoreShares()) : null,
        doubleOr(m, m.trainShareFlagged()), params,
        m instanceof io.vigil.core.UsesHistory uses ? uses.historyRows() : 0);
  }

  @SuppressWarnings("unchecked")
  private static <T> String encode(ParamPair<T> p) {
    return ((Param<T>) p.param()).jsonEncode(p.value());
  }

  private static double doubleOr(AnomalyModel<?> m, Param<Object> param) {
    return m.isDefined(param) ? ((Number) m.getOrDefault(param)).doubleValue() : Double.NaN;
  }
}

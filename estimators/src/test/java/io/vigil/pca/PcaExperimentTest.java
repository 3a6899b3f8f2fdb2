package io.vigil.pca;

import io.vigil.core.SharedParams;
import io.vigil.eval.ScoreCurve;
import io.vigil.data.KddData;
import io.vigil.features.FeaturePipeline;
import io.vigil.testing.RealData;
import io.vigil.testing.SparkTestBase;
import io.vigil.threshold.Thresholds;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class PcaExperimentTest extends SparkTestBase {
  @Test
  void explore() {
    String root = RealData.preparedKdd(spark);
    Dataset<Row> train = spark.read().parquet(root + "/kdd/honest/train").cache();
    Dataset<Row> val = spark.read().parquet(root + "/kdd/honest/val").cache();
    Dataset<Row> dval = spark.read().parquet(root + "/kdd/deepad-8020/val").cache();
    for (String scaler : List.of("standard", "minmax")) {
      for (String mode : List.of(PcaParams.RECONSTRUCTION, PcaParams.RECONSTRUCTION_PLUS_MAHALANOBIS)) {
        for (int k : new int[] {0, 2, 3, 4, 5, 6, 7, 8, 10}) {
          run("18honest", train, val, new FeaturePipeline(KddData.REFERENCE_18, List.of(), List.of(), scaler, "features"), mode, k);
        }
      }
    }
  }

  void run(String what, Dataset<Row> train, Dataset<Row> val, FeaturePipeline fp, String mode, int k) {
    List<PipelineStage> stages = new ArrayList<>(fp.stages());
    stages.add(new PcaDetector().setScoreMode(mode).setK(k));
    long t0 = System.nanoTime();
    PipelineModel m = new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(train);
    Dataset<Row> s = m.transform(val);
    ScoreCurve c = ScoreCurve.compute(s, "score", "label", 2);
    System.out.printf("EXP %s %s mode=%s k=%d(kept %d) valAUC=%.4f AP=%.4f F1=%.4f  %.1fs%n", what, fp.stages().size(), mode, k,
        ((PcaModel) Thresholds.detectorOf(m)).numComponents(), c.rocAuc, c.averagePrecision, c.bestF1, (System.nanoTime() - t0) / 1e9);
  }
}

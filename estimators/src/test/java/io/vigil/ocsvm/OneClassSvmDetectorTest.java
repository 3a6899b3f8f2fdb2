package io.vigil.ocsvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.eval.AnomalyEvaluator;
import io.vigil.testing.SparkTestBase;
import io.vigil.testing.SyntheticData;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OneClassSvmDetectorTest extends SparkTestBase {

  @TempDir
  Path dir;

  @Test
  void givenOutliers_whenFit_thenTheyOutscoreInliers() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 1500, 0, 5, 2, 21);
    OneClassSvmModel model = new OneClassSvmDetector().setNumModels(3).setNu(0.1).fit(train);
    assertEquals(3, model.numMembers());
    double auc = new AnomalyEvaluator().evaluate(model.transform(SyntheticData.lowRank(spark, 500, 40, 5, 2, 21)));
    assertTrue(auc > 0.95, "AUC " + auc);
  }

  @Test
  void givenOneMember_whenScoredInBatches_thenScoreIsLibsvmsOwnDecisionNegated() {
    java.util.Random rnd = new java.util.Random(5);
    double[][] rows = new double[300][3];
    for (double[] r : rows) {
      for (int j = 0; j < 3; j++) {
        r[j] = rnd.nextGaussian();
      }
    }
    // LIBSVM trained and queried directly, beside the member Vigil builds from the same rows
    libsvm.svm_problem problem = new libsvm.svm_problem();
    problem.l = rows.length;
    problem.y = new double[rows.length];
    problem.x = new libsvm.svm_node[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      problem.x[i] = nodes(rows[i]);
    }
    libsvm.svm_parameter param = new libsvm.svm_parameter();
    param.svm_type = libsvm.svm_parameter.ONE_CLASS;
    param.kernel_type = libsvm.svm_parameter.RBF;
    param.gamma = 0.5;
    param.nu = 0.2;
    param.eps = 1e-3;
    param.cache_size = 200;
    param.shrinking = 1;
    libsvm.svm_model direct = libsvm.svm.svm_train(problem, param);
    SvmMember member = OneClassSvmDetector.trainLibsvm(rows, 0.5, 0.2, 1e-3);
    OneClassSvmModel model = new OneClassSvmModel("ocsvm-test", new SvmMember[] {member}, 0.5, 3);
    model.setThreshold(0.0);
    java.util.List<Row> probes = new java.util.ArrayList<>();
    double[][] points = {{0.3, -1.0, 2.0}, {0, 0, 0}, {4, 4, -4}, {-0.5, 0.2, 0.1}};
    for (double[] p : points) {
      probes.add(org.apache.spark.sql.RowFactory.create(org.apache.spark.ml.linalg.Vectors.dense(p)));
    }
    java.util.List<Row> scored = model.transform(spark.createDataFrame(probes, new org.apache.spark.sql.types.StructType()
        .add("features", org.apache.spark.ml.linalg.SQLDataTypes.VectorType())).coalesce(1)).collectAsList();
    for (int i = 0; i < points.length; i++) {
      double[] decision = new double[1];
      libsvm.svm.svm_predict_values(direct, nodes(points[i]), decision);
      assertEquals(decision[0], member.decision(points[i], SvmMember.dot(points[i], points[i]), 0.5), 1e-9);
      // the batch path computes in FLOAT
      assertEquals(-decision[0], (Double) scored.get(i).getAs("score"), 1e-5 * Math.max(1, Math.abs(decision[0])));
    }
  }

  private static libsvm.svm_node[] nodes(double[] row) {
    libsvm.svm_node[] out = new libsvm.svm_node[row.length];
    for (int j = 0; j < row.length; j++) {
      out[j] = new libsvm.svm_node();
      out[j].index = j;
      out[j].value = row[j];
    }
    return out;
  }

  @Test
  void givenNonPositiveArguments_whenTheKernelsExp_thenWithin4e6OfMathExp() {
    double worst = 0;
    for (float z = 0f; z >= -69f; z -= 0.000731f) {
      double expected = Math.exp(z);
      worst = Math.max(worst, Math.abs(SvmBatchScorer.exp(z) - expected) / expected);
    }
    assertTrue(worst < 4e-6, "relative error " + worst);
    assertEquals(1.0f, SvmBatchScorer.exp(0f), 0f);
    assertTrue(SvmBatchScorer.exp(-200f) < 1e-30f && SvmBatchScorer.exp(-200f) > 0f, "held above the subnormals");
  }

  /**
   * With one-hot and mostly-zero columns (scored through {@link io.vigil.dl4j.SparseColumns}), a batch's FLOAT scores
   * are the members' double decisions, for rows in the support vectors' categories and outside them, across chunks.
   */
  @Test
  void givenOneHotColumns_whenScoredInBatches_thenTheMembersDoubleDecisions() {
    io.vigil.dl4j.Nd4jArrays.setUpTask();
    java.util.Random rnd = new java.util.Random(8);
    int width = 9; // 3 gaussian, a count that is mostly 0, a one-hot block of 5
    SvmMember[] members = new SvmMember[2];
    for (int m = 0; m < members.length; m++) {
      double[][] rows = new double[400][width];
      for (double[] r : rows) {
        r[0] = rnd.nextGaussian();
        r[1] = rnd.nextGaussian();
        r[2] = rnd.nextGaussian();
        r[3] = rnd.nextDouble() < 0.05 ? rnd.nextInt(4) : 0;
        r[4 + (rnd.nextDouble() < 0.85 ? 0 : 1 + rnd.nextInt(3))] = 1;
      }
      members[m] = OneClassSvmDetector.trainLibsvm(rows, 0.2, 0.3, 1e-3);
    }
    int n = SvmBatchScorer.CHUNK_ROWS + 40;
    double[] x = new double[n * width];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 3; j++) {
        x[i * width + j] = rnd.nextGaussian() * (i % 7 == 0 ? 4 : 1);
      }
      x[i * width + 3] = i % 3 == 0 ? rnd.nextInt(4) : 0;
      x[i * width + 4 + i % 5] = 1; // slot 4 is a category no support vector has
    }
    double[] scores = new double[n];
    SvmBatchScorer.fromBytes(SvmBatchScorer.toBytes(members, 0.2)).score(x, n, width, scores);
    for (int i = 0; i < n; i++) {
      double expected = OneClassSvmModel.score(members, 0.2, java.util.Arrays.copyOfRange(x, i * width, (i + 1) * width));
      assertEquals(expected, scores[i], 1e-5 * Math.max(1, Math.abs(expected)), "row " + i);
    }
  }

  @Test
  void givenSameSeedAndPartitions_whenFitTwice_thenIdenticalScores() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 600, 10, 4, 2, 12);
    double[] a = orderedScores(new OneClassSvmDetector().setNu(0.1).fit(train).transform(train));
    double[] b = orderedScores(new OneClassSvmDetector().setNu(0.1).fit(train).transform(train));
    assertArrayEquals(a, b, 0.0);
  }

  @Test
  void givenGammaScale_whenResolved_thenOneOverWidthTimesVarianceOfAllValues() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 400, 0, 4, 2, 6);
    OneClassSvmModel model = new OneClassSvmDetector().setMaxRowsPerModel(100).fit(train);
    double[] all = train.select("features").collectAsList().stream()
        .flatMapToDouble(r -> java.util.Arrays.stream(((org.apache.spark.ml.linalg.Vector) r.get(0)).toArray())).toArray();
    double mean = java.util.Arrays.stream(all).average().orElseThrow();
    double var = java.util.Arrays.stream(all).map(v -> (v - mean) * (v - mean)).sum() / all.length;
    assertEquals(1.0 / (4 * var), model.gammaValue(), 1.0 / (4 * var) * 1e-9);
  }

  @Test
  void givenSavedModel_whenLoaded_thenIdenticalScores() throws Exception {
    Dataset<Row> train = SyntheticData.lowRank(spark, 300, 10, 4, 2, 3);
    OneClassSvmModel model = new OneClassSvmDetector().setMaxRowsPerModel(100).fit(train);
    String path = dir.resolve("svm").toString();
    model.write().save(path);
    OneClassSvmModel loaded = OneClassSvmModel.load(path);
    assertArrayEquals(orderedScores(model.transform(train)), orderedScores(loaded.transform(train)), 0.0);
    assertEquals(model.numSupportVectors(), loaded.numSupportVectors());
  }

  @Test
  void givenRows_whenExplainedFromSupportVectorDistances_thenSameAsRescoringEachPerturbedRow() {
    Dataset<Row> train = SyntheticData.lowRank(spark, 600, 0, 5, 2, 8);
    OneClassSvmModel model = new OneClassSvmDetector().setNumModels(2).setNu(0.1).fit(train);
    double[] means = model.getFeatureMeans();
    java.util.Random rnd = new java.util.Random(3);
    for (int row = 0; row < 50; row++) {
      double[] x = new double[5];
      for (int j = 0; j < 5; j++) {
        x[j] = row % 5 == j ? means[j] : 3 * rnd.nextGaussian(); // one feature already at its mean
      }
      double score = OneClassSvmModel.score(model.members(), model.gammaValue(), x);
      double[] fast = OneClassSvmModel.perturbationContributions(model.members(), model.gammaValue(), means, x, score);
      for (int j = 0; j < 5; j++) {
        double[] perturbed = x.clone();
        perturbed[j] = means[j];
        double rescored = Math.max(0.0, score - OneClassSvmModel.score(model.members(), model.gammaValue(), perturbed));
        assertEquals(rescored, fast[j], 1e-9 * Math.max(1.0, Math.abs(score)), "row " + row + " feature " + j);
      }
      assertEquals(0.0, fast[row % 5], "a feature at its mean explains nothing");
    }
  }

  @Test
  void givenInvalidParams_whenSet_thenRejectedWithTheRangeInTheDoc() {
    OneClassSvmDetector d = new OneClassSvmDetector();
    assertThrows(IllegalArgumentException.class, () -> d.setNu(0));
    assertThrows(IllegalArgumentException.class, () -> d.setNu(1.5));
    assertThrows(IllegalArgumentException.class, () -> d.setGamma("wide"));
    assertThrows(IllegalArgumentException.class, () -> d.setGamma("-1"));
    assertThrows(IllegalArgumentException.class, () -> d.setMaxRowsPerModel(1));
    assertTrue(d.nu().doc().contains("(0, 1]"));
  }
}

package io.vigil.detectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.core.AnomalyDetector;
import io.vigil.core.AnomalyModel;
import io.vigil.ensemble.EnsembleDetector;
import io.vigil.testing.SparkTestBase;
import io.vigil.testing.SyntheticData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every registered detector, the same way (as MLlib's DefaultReadWriteTest): an unfitted detector saved and
 * loaded keeps every param (an ensemble its members' too); a fitted model saved and loaded scores
 * identically; copy keeps uid and params; two fits with the same seed on the same partitions score alike; and a
 * model saved by this format, committed under
 * {@code fixtures/}, still loads and scores as it did (the format pin).
 */
class DetectorPersistenceTest extends SparkTestBase {

  @TempDir
  Path dir;

  static List<String> names() {
    return Detectors.names();
  }

  /** A detector with non-default shared params and settings that fit in seconds. */
  static AnomalyDetector<?, ?> quick(String name) {
    Map<String, String> params = new java.util.LinkedHashMap<>(Map.of("contamination", "0.05",
        "thresholdSigmas", "2.5"));
    if (name.equals("ensemble")) {
      params.put("members", "pca,iforest");
      params.put("normalization", "rank");
    }
    if (List.of("ae", "vae", "bigan", "seq2seq").contains(name)) {
      params.put("epochs", "1");
      params.put("seed", "7");
    }
    if (name.equals("windowed")) { // pca over windows of 4 rows, in the order of column t
      params.putAll(Map.of("detector", "pca", "orderCol", "t", "idCol", "row_index", "windowLength", "4"));
    }
    return Detectors.create(name, params, member -> member.equals("pca") ? Map.of("k", "2")
        : Map.of("numEstimators", "20"));
  }

  /**
   * One fit per detector on {@link #training()}, shared by the tests that only need a fitted model (save/load,
   * copy, and the first of the two fits compared): fits are most of this class's time.
   */
  private static final Map<String, AnomalyModel<?>> FITTED = new java.util.concurrent.ConcurrentHashMap<>();

  static AnomalyModel<?> fitted(String name) {
    return FITTED.computeIfAbsent(name, n -> quick(n).fit(training()));
  }

  /** {@link #data()} in two partitions: a seeded fit on it is reproducible. */
  static Dataset<Row> training() {
    return data().repartition(2);
  }

  /** Low-rank rows with an id and a time (both a hash of the row: the same whatever the partitioning). */
  static Dataset<Row> data() {
    Dataset<Row> rows = SyntheticData.lowRank(spark, 200, 10, 4, 1, 3);
    return rows.withColumn("row_index", org.apache.spark.sql.functions.xxhash64(
        org.apache.spark.ml.functions.vector_to_array(rows.col("features"), "float64")))
        .withColumn("t", org.apache.spark.sql.functions.col("row_index"));
  }

  @ParameterizedTest
  @MethodSource("names")
  void givenDetector_whenSavedAndLoaded_thenEveryParamIsKept(String name) throws IOException {
    AnomalyDetector<?, ?> detector = quick(name);
    String path = dir.resolve(name + "-detector").toString();
    detector.write().save(path);
    Params loaded = DefaultParamsReader$.MODULE$.loadParamsInstance(path, spark.sparkContext());
    assertSameParams(detector, loaded);
    if (detector instanceof EnsembleDetector ensemble) {
      List<AnomalyDetector<?, ?>> members = ((EnsembleDetector) loaded).memberDetectors();
      assertEquals(ensemble.memberDetectors().size(), members.size());
      for (int i = 0; i < members.size(); i++) {
        assertSameParams(ensemble.memberDetectors().get(i), members.get(i));
      }
      assertEquals(2, ((io.vigil.pca.PcaDetector) members.get(0)).getK(), "the member's own setting");
    }
  }

  @ParameterizedTest
  @MethodSource("names")
  void givenFittedModel_whenSavedAndLoaded_thenItScoresIdentically(String name) throws IOException {
    Dataset<Row> data = data();
    AnomalyModel<?> model = fitted(name);
    String path = dir.resolve(name + "-model").toString();
    model.write().save(path);
    AnomalyModel<?> loaded = (AnomalyModel<?>) DefaultParamsReader$.MODULE$.loadParamsInstance(path,
        spark.sparkContext());
    assertSameParams(model, loaded);
    assertArrayEquals(orderedScores(model.transform(data)), orderedScores(loaded.transform(data)), 0.0);
  }

  @ParameterizedTest
  @MethodSource("names")
  void givenDetectorAndModel_whenCopied_thenUidAndParamsAreKept(String name) {
    AnomalyDetector<?, ?> detector = quick(name);
    assertSameParams(detector, detector.copy(ParamMap.empty()));
    AnomalyModel<?> model = fitted(name);
    assertSameParams(model, model.copy(ParamMap.empty()));
    AnomalyDetector<?, ?> changed = detector.copy(ParamMap.empty().put(detector.contamination(), 0.2));
    assertEquals(0.2, changed.getContamination());
    assertEquals(0.05, detector.getContamination(), "copy with extra params leaves the original as it was");
  }

  @ParameterizedTest
  @MethodSource("names")
  void givenSameSeedAndPartitions_whenFitTwice_thenIdenticalScores(String name) {
    Dataset<Row> train = training();
    double[] a = orderedScores(fitted(name).transform(train));
    double[] b = orderedScores(quick(name).fit(train).transform(train));
    assertArrayEquals(a, b, 0.0, name + " is seeded: the same rows in the same partitions give the same model");
  }

  @ParameterizedTest
  @MethodSource("names")
  void givenModelSavedByThisFormat_whenLoaded_thenItScoresAsWhenSaved(String name) throws IOException {
    Path fixture = fixtures().resolve(name);
    assertTrue(Files.isDirectory(fixture), fixture + " is missing: run FixtureWriter (see its javadoc).");
    AnomalyModel<?> loaded = (AnomalyModel<?>) DefaultParamsReader$.MODULE$.loadParamsInstance(
        fixture.resolve("model").toString(), spark.sparkContext());
    double[] expected = Arrays.stream(Files.readString(fixture.resolve("scores.txt")).trim().split("\n"))
        .mapToDouble(Double::parseDouble).toArray();
    // The one-class SVM's fixture was scored in double when saved; it now scores by FLOAT matrix products. The
    // seq2seq network's fixture was scored through ND4J's FLOAT kernels, whose summation order depends on the CPU
    // (AVX2 or AVX-512): a score differs in its last float bits from the machine that wrote the fixture (seen:
    // 21.045049 vs 21.045048, 2e-8 relative), which says nothing about the format. The autoencoder, the VAE and the
    // BiGAN now score by plain-Java forward passes (DenseChunk) that sum in another order than ND4J's kernels and
    // compute tanh and sigmoid as a rational function within 4e-7 of them (JavaActivation): their fixtures' scores
    // moved by about 2e-8 relative.
    double relative = name.equals("ocsvm") ? 1e-5
        : Set.of("ae", "bigan", "seq2seq", "vae").contains(name) ? 1e-6 : 1e-9;
    double[] actual = orderedScores(loaded.transform(data()));
    assertEquals(expected.length, actual.length, name);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], relative * Math.max(1.0, Math.abs(expected[i])), name + ", row " + i);
    }
  }

  static Path fixtures() {
    return Path.of("src/test/resources/fixtures/vigil-format-" + io.vigil.persist.ModelPersistence.FORMAT_VERSION);
  }

  /** Same class, uid and value of every param (arrays element by element). */
  static void assertSameParams(Params expected, Params actual) {
    assertEquals(expected.getClass(), actual.getClass());
    assertEquals(expected.uid(), actual.uid());
    for (ParamPair<?> p : expected.extractParamMap().toList()) {
      Param<?> other = actual.getParam(p.param().name());
      Object after = actual.getOrDefault(other);
      String what = expected.uid() + "." + p.param().name();
      if (p.value() instanceof String[] names) {
        assertArrayEquals(names, (String[]) after, what);
      } else if (p.value() instanceof double[] values) {
        assertArrayEquals(values, (double[]) after, 0.0, what);
      } else {
        assertEquals(p.value(), after, what);
      }
    }
    assertEquals(expected.extractParamMap().size(), actual.extractParamMap().size(), expected.uid());
  }

  static void save(MLWritable stage, String path) throws IOException {
    stage.write().overwrite().save(path);
  }
}

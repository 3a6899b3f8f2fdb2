package io.vigil.detectors;

import io.vigil.core.AnomalyModel;
import io.vigil.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Writes the committed format fixtures DetectorPersistenceTest loads: for every detector, a model fit on
 * the test's synthetic rows and its scores. Run it once when the model format changes (and bump
 * ModelPersistence.FORMAT_VERSION), from {@code estimators/}:
 * {@code java <the pom's spark.jvm.flags> -cp target/classes:target/test-classes:$(cat target/cp.txt) io.vigil.detectors.FixtureWriter}
 * after {@code mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt}. Arguments name
 * the detectors to write (a new detector's first fixture); none = every detector.
 */
public final class FixtureWriter extends SparkTestBase {

  private FixtureWriter() {}

  public static void main(String[] args) throws Exception {
    spark = session();
    Path root = DetectorPersistenceTest.fixtures();
    for (String name : args.length > 0 ? Arrays.asList(args) : Detectors.names()) {
      AnomalyModel<?> model = DetectorPersistenceTest.quick(name).fit(DetectorPersistenceTest.data());
      Path dir = root.resolve(name);
      model.write().overwrite().save(dir.resolve("model").toString());
      String scores = Arrays.stream(orderedScores(model.transform(DetectorPersistenceTest.data())))
          .mapToObj(Double::toString).collect(Collectors.joining("\n"));
      Files.writeString(dir.resolve("scores.txt"), scores + "\n");
    }
    spark.stop();
  }
}

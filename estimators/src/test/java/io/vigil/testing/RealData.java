package io.vigil.testing;

import io.vigil.data.KddData;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.spark.sql.SparkSession;

/**
 * The read-only real data sets in ../shared/data (system property {@code vigil.shared.data}, set by the
 * build), and the KDD protocol tables prepared from them once per build under target/.
 */
public final class RealData {

  private RealData() {}

  public static Path sharedData() {
    String dir = System.getProperty("vigil.shared.data", "../../shared/data");
    Path p = Paths.get(dir).toAbsolutePath().normalize();
    if (!Files.isDirectory(p.resolve("kdd"))) {
      throw new IllegalStateException("Real data not found at " + p + " (set -Dvigil.shared.data=DIR).");
    }
    return p;
  }

  /** The prepared KDD tables (kdd/honest/{train,val,test}, kdd/deepad-8020/{val,test}); prepares them if
   * this build has not yet. */
  public static synchronized String preparedKdd(SparkSession spark) {
    File root = new File("target/vigil-test-data/prepared").getAbsoluteFile();
    if (!new File(root, KddData.DEEPAD_DIR + "/test/_SUCCESS").exists()) {
      KddData.prepare(spark, sharedData().resolve("kdd").toString(), root.toString());
    }
    return root.toString();
  }
}

package io.vigil.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The read-only real data sets in ../shared/data (system property {@code vigil.shared.data}, set by the
 * build).
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
}

package io.vigil.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Config references, path normalisation and path roots. */
class JobConfigTest {

  private static Map<String, String> base() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("dataset", "d");
    c.put("output", "/data/vigil/warehouse");
    c.put("train.path", "${output}/prepared/../prepared/./train");
    return c;
  }

  @Test
  void givenDotSegments_whenLoaded_thenPathsAreNormalised() {
    JobConfig c = JobConfig.of("t", base());
    assertEquals("/data/vigil/warehouse/prepared/train", c.get("train.path"));
    Map<String, String> hdfs = base();
    hdfs.put("score.path", "hdfs://nn:8020/landing/x/../2026-11-01/");
    assertEquals("hdfs://nn:8020/landing/2026-11-01", JobConfig.of("t", hdfs).get("score.path"));
  }

  @Test
  void givenRoots_whenAPathEscapesThem_thenRefusedNamingKeyAndRoots() {
    Map<String, String> c = base();
    c.put("paths.roots", "/data/vigil");
    c.put("score.path", "/data/vigil/../../etc/shadow");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobConfig.of("t", c));
    assertTrue(e.getMessage().contains("score.path = /etc/shadow is outside the allowed roots [/data/vigil]"),
        e.getMessage());
    c.put("score.path", "/data/vigil-other/x"); // a sibling with the root as a string prefix
    assertThrows(IllegalArgumentException.class, () -> JobConfig.of("t", c));
    c.put("score.path", "/data/vigil/landing/2026-11-01");
    assertEquals("/data/vigil/landing/2026-11-01", JobConfig.of("t", c).get("score.path"));
  }

  @Test
  void givenAUriClimbingAboveItsRoot_whenLoaded_thenRefused() {
    Map<String, String> c = base();
    c.put("score.path", "hdfs://nn/../x");
    assertThrows(IllegalArgumentException.class, () -> JobConfig.of("t", c));
  }

  @Test
  void givenANestedReference_whenLoaded_thenTheInnerNamesTheOuterKey() {
    Map<String, String> c = base();
    c.put("nab.series", "nyc_taxi");
    c.put("nab.epochs.nyc_taxi", "12");
    c.put("nab.epochs.ambient", "4");
    c.put("seq2seq.epochs", "${nab.epochs.${nab.series}} epochs of ${dataset}");
    assertEquals("12 epochs of d", JobConfig.of("t", c).get("seq2seq.epochs"));
    c.put("nab.series", "machine");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobConfig.of("t", c));
    assertTrue(e.getMessage().contains("'seq2seq.epochs' refers to ${nab.epochs.machine}, which is not set"),
        e.getMessage());
    c.put("seq2seq.epochs", "${seq2seq.epochs}");
    assertThrows(IllegalArgumentException.class, () -> JobConfig.of("t", c));
  }

  @Test
  void givenAFileNameReferenceAndASeedKey_whenLoaded_thenTheSetIsNamedAndEverySeededDetectorGetsTheSeed() {
    Map<String, String> c = base();
    c.put("prepare.source", "/data/adbench/cardio.csv.gz");
    c.put("dataset", "adbench-semi-${prepare.source:name}");
    c.put("seed", "3");
    c.put("ocsvm.seed", "9");
    JobConfig config = JobConfig.of("t", c);
    assertEquals("adbench-semi-cardio", config.get("dataset"));
    JobContext ctx = new JobContext(null, config, null);
    assertEquals("3", ctx.detectorParams("iforest").get("seed"));
    assertEquals("9", ctx.detectorParams("ocsvm").get("seed"), "a detector's own key wins");
    assertEquals(null, ctx.detectorParams("pca").get("seed"), "pca draws no random numbers: it has no seed");
  }
}

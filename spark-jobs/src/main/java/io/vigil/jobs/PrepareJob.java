package io.vigil.jobs;

import io.vigil.datasets.AdbenchData;
import io.vigil.datasets.DemoTransactions;
import io.vigil.datasets.KddData;
import io.vigil.datasets.NabData;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * prepare: turn the raw source files into the Parquet tables a config reads. {@code prepare.kind = kdd}
 * builds the kdd-honest and deepad-8020 tables from {@code prepare.source} (the directory that
 * data/fetch-kdd.sh fills) into {@code prepare.output}; {@code adbench} splits one ADBench CSV
 * ({@code prepare.source}) into train/test ({@code adbench-semi}: the first half of its normal rows to train);
 * {@code nab} labels three NAB series (data/fetch-nab.sh);
 * {@code demo-transactions} writes the seeded demo table {@code prepare.table} ({@code prepare.days} days of
 * {@code prepare.rowsPerDay} rows ending on {@code prepare.endDate}, {@code prepare.seed});
 * {@code none} (generic CSV/Parquet input) has nothing to
 * prepare.
 */
public final class PrepareJob {

  /** The seeded demo table of card transactions ({@link DemoTransactions}). */
  public static final String DEMO = "demo-transactions";

  private PrepareJob() {}

  /** Whether this config's prepared tables are already complete. */
  public static boolean isPrepared(JobContext ctx) {
    JobConfig c = ctx.config();
    if (c.get("prepare.kind", "none").equals("none")) {
      return true;
    }
    if (c.get("prepare.kind").equals(DEMO)) {
      return ctx.spark().catalog().tableExists(c.get("prepare.table"));
    }
    for (String key : new String[] {"train.path", "val.path", "test.path"}) {
      if (c.has(key) && !ctx.warehouse().exists(c.get(key) + "/_SUCCESS")) {
        return false;
      }
    }
    return true;
  }

  public static Map<String, Long> run(JobContext ctx) {
    JobConfig c = ctx.config();
    String kind = c.get("prepare.kind", "none");
    switch (kind) {
      case "none":
        return new LinkedHashMap<>();
      case "kdd":
        ctx.describe("vigil-prepare", "Vigil prepare KDD tables from " + c.get("prepare.source"));
        return KddData.prepare(ctx.spark(), c.get("prepare.source"), c.get("prepare.output"));
      case "adbench":
        ctx.describe("vigil-prepare", "Vigil prepare ADBench split of " + c.get("prepare.source"));
        return AdbenchData.prepare(ctx.spark(), c.get("prepare.source"), c.get("prepare.output"));
      case "adbench-semi":
        ctx.describe("vigil-prepare", "Vigil prepare adbench-semi split of " + c.get("prepare.source"));
        return AdbenchData.prepareSemi(ctx.spark(), c.get("prepare.source"), c.get("prepare.output"));
      case "nab":
        ctx.describe("vigil-prepare", "Vigil prepare NAB series from " + c.get("prepare.source"));
        return NabData.prepare(ctx.spark(), c.get("prepare.source"), c.get("prepare.output"));
      case DEMO:
        ctx.describe("vigil-prepare", "Vigil demo transactions into " + c.get("prepare.table"));
        return DemoTransactions.write(ctx.spark(), c.get("prepare.table"), java.time.LocalDate.parse(
            c.get("prepare.endDate", DemoTransactions.DEFAULT_END.toString())),
            Integer.parseInt(c.get("prepare.days", "90")), Integer.parseInt(c.get("prepare.rowsPerDay", "2000")),
            Long.parseLong(c.get("prepare.seed", "42")));
      default:
        throw new IllegalArgumentException("prepare.kind must be kdd, adbench, adbench-semi, nab, " + DEMO + " or none, got '"
            + kind + "'.");
    }
  }
}

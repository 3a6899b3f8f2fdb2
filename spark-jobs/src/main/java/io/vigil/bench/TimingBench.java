package io.vigil.bench;

import static org.apache.spark.sql.functions.lit;

import io.vigil.core.AnomalyDetector;
import io.vigil.core.AnomalyModel;
import io.vigil.core.SharedParams;
import io.vigil.data.InputCheck;
import io.vigil.detectors.Detectors;
import io.vigil.eval.AnomalyEvaluator;
import io.vigil.jobs.JobConfig;
import io.vigil.jobs.JobContext;
import io.vigil.jobs.ScoreJob;
import io.vigil.jobs.TrainJob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * bench (the default suite): times training and scoring of each detector on a config's data, each beside
 * a same-run baseline, and writes CSV, JSON and a Markdown table under the results directory.
 *
 * <ul>
 *   <li>train: fitting feature preparation + detector, against fitting the feature preparation alone
 *       (the reading and scaling every detector pays);</li>
 *   <li>score job: the score job end to end (input check, scoring, the Iceberg partition replace) on Parquet
 *       input, against its IO floor: the same rows read and written into a table of the score table's columns
 *       with constant scores ({@link BenchResults#scoreTableFloor});</li>
 *   <li>the detector alone on cached features, what explanations cost, and each detector's own comparison
 *       ({@link DetectorComparisons}).</li>
 * </ul>
 * Each timing is the median of {@code repeat} runs after one warm-up; the score job and its IO floor run in turns.
 */
public final class TimingBench {

  private TimingBench() {}

  public static List<Map<String, Object>> run(JobContext ctx, List<String> detectors, int repeat, int scale,
      String resultsDir) {
    BenchResults.prepare(ctx);
    JobConfig c = ctx.config();
    String work = ctx.warehouse().root() + "/bench-tmp";
    InputCheck.Result train = ctx.readChecked("train.path");
    Dataset<Row> trainRows = train.valid().cache();
    long trainCount = trainRows.count();
    // The scoring input, replicated `scale` times, as Parquet: both contestants read the same files.
    String scoreInput = work + "/score-input";
    Dataset<Row> test = ctx.readChecked(io.vigil.jobs.Inputs.has(c, "score") ? "score" : "test").valid();
    Dataset<Row> replicated = test;
    for (int i = 1; i < scale; i++) {
      replicated = replicated.union(test);
    }
    replicated.write().mode(SaveMode.Overwrite).parquet(scoreInput);
    long scoreRows = ctx.spark().read().parquet(scoreInput).count();

    List<PipelineStage> featureStages = ctx.featurePipeline().stages();
    double featureFit = BenchResults.median(repeat, () -> new Pipeline()
        .setStages(featureStages.toArray(new PipelineStage[0])).fit(trainRows));
    String runDate = BenchResults.runDate(ctx);
    Runnable floor = () -> BenchResults.scoreTableFloor(ctx, scoreInput, work + "/io-floor-table", runDate);
    JobContext scoreCtx = BenchResults.scoringContext(ctx, scoreInput, work + "/warehouse");

    List<String> inputCols = Arrays.asList(ctx.spark().read().parquet(scoreInput).columns());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String name : detectors) {
      Map<String, String> params = new LinkedHashMap<>(ctx.detectorParams(name));
      // Labelled thresholds need validation rows; the bench times the model itself.
      params.put("thresholdStrategy", SharedParams.CONTAMINATION);
      List<PipelineStage> stages = new ArrayList<>(ctx.featurePipeline(name).stages());
      AnomalyDetector<?, ?> detector = Detectors.create(name, params, ctx::detectorParams);
      stages.add(detector);
      Pipeline pipeline = new Pipeline().setStages(stages.toArray(new PipelineStage[0]));
      PipelineModel[] fitted = new PipelineModel[1];
      double trainSeconds = BenchResults.median(repeat, () -> fitted[0] = pipeline.fit(trainRows));
      // The score job as it runs each night: input check, scoring, the Iceberg partition replace, its report; its
      // IO floor timed in turns with it.
      double[] floorAndScore = BenchResults.pairedMedians(repeat, floor, () -> ScoreJob.run(scoreCtx,
          new TrainJob.Result(name, "bench", null, null, fitted[0]), runDate));
      double ioFloor = floorAndScore[0];
      double scoreSeconds = floorAndScore[1];
      Map<String, Object> trainRow = BenchResults.row(c, name, "train", trainCount, trainSeconds, "feature pipeline fit",
          featureFit);
      trainRow.put("test_roc_auc", testAuc(ctx, fitted[0]));
      rows.add(trainRow);
      rows.add(BenchResults.row(c, name, "score job", scoreRows, scoreSeconds, BenchResults.SCORE_FLOOR, ioFloor));
      rows.add(scoreOnCachedFeatures(ctx, fitted[0], scoreInput, inputCols, scoreRows, ioFloor, repeat));
      if (io.vigil.pipeline.AnomalyPipeline.detectorOf(fitted[0]).explains()) {
        rows.add(explanationCost(ctx, fitted[0], scoreInput, repeat));
      }
      DetectorComparisons.Comparison compare = DetectorComparisons.BY_DETECTOR.get(name);
      if (compare != null) {
        rows.addAll(compare.run(ctx, trainRows, scoreInput, fitted[0], stages, params, repeat));
      }
    }
    trainRows.unpersist();
    ctx.warehouse().delete(work);
    BenchResults.write(rows, resultsDir, "bench-" + ctx.datasetKey());
    return rows;
  }

  /**
   * The detector alone on cached input: the scoring rows after feature preparation, cached in memory,
   * scored into the score table's columns, against the IO floor; the rows go to Spark's no-op sink, so
   * the time is the scorer's, not a write. The end-to-end row ("score job") also pays the input check,
   * the feature preparation and the table write.
   */
  static Map<String, Object> scoreOnCachedFeatures(JobContext ctx, PipelineModel fitted, String scoreInput,
      List<String> inputCols, long scoreRows, double ioFloor, int repeat) {
    Dataset<Row> prepared = io.vigil.pipeline.AnomalyPipeline.featuresOf(fitted).transform(ctx.spark().read().parquet(scoreInput))
        .cache();
    prepared.count();
    AnomalyModel<?> detector = io.vigil.pipeline.AnomalyPipeline.detectorOf(fitted);
    double seconds = BenchResults.median(repeat, () -> detector.transform(prepared)
        .select(detector.getScoreCol(), inputCols.toArray(new String[0])).write().format("noop")
        .mode(SaveMode.Overwrite).save());
    prepared.unpersist();
    return BenchResults.row(ctx.config(), detector.detectorName(), "score on cached features (no write)", scoreRows, seconds,
        BenchResults.SCORE_FLOOR, ioFloor);
  }

  /** Rows the explanation bench scores: enough for a stable time, few enough for the perturbation explainers. */
  static final int EXPLAIN_BENCH_ROWS = 20_000;

  /**
   * What explanations cost: the first {@link #EXPLAIN_BENCH_ROWS} scoring rows (features prepared and
   * cached) scored with the top 3 features explained (flagged rows only, for the perturbation explainers)
   * against the same rows scored alone; ratio = explained time / score-only time.
   */
  static Map<String, Object> explanationCost(JobContext ctx, PipelineModel fitted, String scoreInput, int repeat) {
    Dataset<Row> prepared = io.vigil.pipeline.AnomalyPipeline.featuresOf(fitted).transform(ctx.spark().read().parquet(scoreInput))
        .limit(EXPLAIN_BENCH_ROWS).cache();
    long n = prepared.count();
    AnomalyModel<?> detector = io.vigil.pipeline.AnomalyPipeline.detectorOf(fitted);
    AnomalyModel<?> explaining = (AnomalyModel<?>) detector.copy(new org.apache.spark.ml.param.ParamMap()
        .put(detector.explainTopK(), 3));
    double plain = BenchResults.median(repeat, () -> detector.transform(prepared).select(detector.getScoreCol()).write()
        .format("noop").mode(SaveMode.Overwrite).save());
    double explained = BenchResults.median(repeat, () -> explaining.transform(prepared).select(detector.getScoreCol(),
        io.vigil.core.Explanations.topFeaturesCol(detector.getScoreCol())).write().format("noop")
        .mode(SaveMode.Overwrite).save());
    long flagged = detector.transform(prepared).where(org.apache.spark.sql.functions.col(detector.getPredictionCol())
        .equalTo(1.0)).count();
    prepared.unpersist();
    return BenchResults.row(ctx.config(), detector.detectorName(), String.format("explain top 3 (%d rows flagged), cached features"
        + " (no write)", flagged), n, explained, "the same rows scored without explanations", plain);
  }

  /** ROC AUC of a fitted pipeline on the config's labelled test rows (reported, never used to choose). */
  static double testAuc(JobContext ctx, PipelineModel model) {
    if (!io.vigil.jobs.Inputs.has(ctx.config(), "test")) {
      return Double.NaN;
    }
    Dataset<Row> test = ctx.readChecked("test.path").valid();
    AnomalyModel<?> detector = io.vigil.pipeline.AnomalyPipeline.detectorOf(model);
    return new AnomalyEvaluator().setScoreCol(detector.getScoreCol()).setLabelCol(ctx.labelCol())
        .evaluate(model.transform(test));
  }
}

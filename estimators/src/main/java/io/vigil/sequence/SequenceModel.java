package io.vigil.sequence;

import io.vigil.core.FeatureBatchScorer;
import io.vigil.core.Schemas;
import io.vigil.dl4j.BatchScoring;
import io.vigil.dl4j.Nd4jArrays;
import io.vigil.dl4j.NetworkPersistence;
import io.vigil.dl4j.NeuralModel;
import io.vigil.dl4j.ParameterAveragingTrainer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A fitted sequence encoder–decoder; score = mean squared reconstruction error of the row's sequence
 * (row-as-sequence mode) or the max/mean of its windows' errors (time windows).
 */
public class SequenceModel extends NeuralModel<SequenceModel> implements SequenceParams, io.vigil.core.UsesHistory {

  private static final String WINDOW = "_vigil_window";
  /** Marks the rows a time range borrows from its neighbours when no contextCol is named. */
  private static final String HALO = "_vigil_halo";

  SequenceModel(String uid, byte[] network, int width) {
    super(uid, network, width);
  }

  /**
   * Row mode: each feature's squared reconstruction error. Windowed: a window's score split over the
   * features (feature j's mean squared error over the window's steps), taken from the window that gave the
   * row its score (max) or averaged over its windows (mean). Either way they average to the row's score,
   * as the autoencoder's do.
   */
  @Override public boolean explains() { return true; }

  @Override
  public StructType transformSchema(StructType schema) {
    return super.transformSchema(requireWindowColumns(schema));
  }

  /** Windowed: a window of windowLength rows reaches windowLength - 1 rows back. */
  @Override
  public int historyRows() {
    return windowed() ? getWindowLength() - 1 : 0;
  }

  @Override
  public Dataset<Row> historyTail(Dataset<Row> history) {
    return SequenceWindows.lastRows(history, windowSpec(), historyRows());
  }

  @Override
  public String historyMarkerParam() {
    return contextCol().name();
  }

  /** The windows of {@code rows} as one column of flat window vectors (for training). */
  static Dataset<Row> windows(Dataset<Row> rows, String featuresCol, SequenceWindows.Spec spec) {
    return SequenceWindows.windowVectors(rows, featuresCol, spec, WINDOW);
  }

  @Override
  protected Dataset<Row> score(Dataset<?> dataset) {
    int width = getNumFeatures();
    if (!windowed()) {
      return BatchScoring.appendScores(dataset, network, Reconstructor::restore, getFeaturesCol(), getScoreCol(),
          width, ROW_SCORES, getExplainTopK(), getFeatureNames());
    }
    // One pass: each entity's rows sorted in one partition, cut into segments and windows, the windows
    // scored in batches, and every row emitted with the max/mean of its windows' scores.
    Dataset<Row> rows = dataset.toDF();
    // A series with no entity column is cut into time ranges, one per input partition, each with its
    // neighbours' nearest rows as history (never emitted): not one task, the same windows as one pass.
    int chunks = getEntityCol().isEmpty() ? rows.rdd().getNumPartitions() : 1;
    String marker = getContextCol();
    if (chunks > 1 && marker.isEmpty()) {
      marker = HALO;
      rows = rows.withColumn(HALO, org.apache.spark.sql.functions.lit(false));
    }
    StructType in = rows.schema();
    StructType out = Schemas.appendDouble(in, getScoreCol());
    int topK = getExplainTopK();
    if (topK > 0) {
      out = io.vigil.core.Explanations.appendColumns(out, getScoreCol());
    }
    SequenceWindows.Spec spec = windowSpec();
    int features = in.fieldIndex(getFeaturesCol());
    int context = markerIndex(in, marker);
    String rule = getWindowScore();
    Broadcast<byte[]> shared = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext())
        .broadcast(network);
    Explaining explaining = topK > 0 ? new Explaining(topK, getFeatureNames()) : null;
    MapPartitionsFunction<Row, Row> scorer = windowScorer(shared, in, spec, features, context, width, rule, explaining);
    if (chunks <= 1) {
      return SequenceWindows.sortedForWindows(rows, spec, marker).mapPartitions(scorer, Encoders.row(out));
    }
    Dataset<Row> scored = dataset.sparkSession().createDataFrame(SequenceWindows.chunksWithHalo(rows, spec, marker,
        chunks, historyRows()).mapPartitions(scorer::call, true), out);
    return marker.equals(HALO) ? scored.drop(HALO) : scored;
  }

  /** Row as sequence: the score job's one pass; windows need rows in order (and history), so not them. */
  @Override
  public FeatureBatchScorer batchScorer(SparkSession spark) {
    return windowed() ? null : BatchScoring.batchScorer(spark, network, Reconstructor::restore, ROW_SCORES);
  }

  /** Each row one sequence of its features, one value a step: the squared errors of its reconstruction. */
  private static final BatchScoring.BatchScorer<Reconstructor> ROW_SCORES =
      (net, x, explain) -> BatchScoring.reconstructionErrors(x, net.reconstruct(x, 1), explain);

  /**
   * The network's reconstruction of a batch of sequences: computed in plain Java where {@link LstmScorer} can
   * (the detector's own layer stack), else by DL4J. One per executor thread, restored from the broadcast bytes.
   */
  private record Reconstructor(MultiLayerNetwork net, LstmScorer plainJava) {
    static Reconstructor restore(byte[] bytes) {
      MultiLayerNetwork net = Nd4jArrays.fromBytes(bytes);
      return new Reconstructor(net, LstmScorer.of(net));
    }

    /** {@code x}: one sequence per row, {@code channels} channel-major ({@code FIT_SEQUENCE}); same shape out. */
    INDArray reconstruct(INDArray x, int channels) {
      if (plainJava == null) {
        return net.output(ParameterAveragingTrainer.Mode.FIT_SEQUENCE.input(x, channels), false)
            .reshape('c', x.size(0), x.size(1));
      }
      int rows = (int) x.size(0);
      int width = (int) x.size(1);
      return Nd4jArrays.matrix(plainJava.reconstruct(x.dup('c').data().asFloat(), rows, width), rows, width);
    }
  }

  /** The index of the boolean history marker column, -1 when none is named. */
  private static int markerIndex(StructType in, String marker) {
    if (marker.isEmpty()) {
      return -1;
    }
    if (!List.of(in.fieldNames()).contains(marker)
        || !in.apply(marker).dataType().equals(org.apache.spark.sql.types.DataTypes.BooleanType)) {
      throw new IllegalArgumentException(String.format("contextCol '%s' must be a boolean column of the input;"
          + " columns: %s.", marker, String.join(", ", in.fieldNames())));
    }
    return in.fieldIndex(marker);
  }

  /** What windowed scoring needs to explain rows: how many top features, and their names. */
  private record Explaining(int topK, String[] names) implements java.io.Serializable {}

  /** The partition function of windowed scoring (static: a closure must not capture the model). */
  private static MapPartitionsFunction<Row, Row> windowScorer(Broadcast<byte[]> shared, StructType in,
      SequenceWindows.Spec spec, int features, int context, int width, String rule, Explaining explaining) {
    return it -> {
      Nd4jArrays.setUpTask();
      Reconstructor net = BatchScoring.restored(shared, Reconstructor::restore);
      return SequenceWindows.flatMapSegments(SequenceWindows.segments(it, in, spec),
          segment -> scoreSegment(net, segment, features, context, width, spec, rule, explaining));
    };
  }

  /**
   * Scores a segment's windows in batches; returns its rows, each with the score its windows give it by
   * {@code rule} (max, mean or last: {@link WindowParams#windowScore}) and, when explaining, that score's
   * split over the features and the top names.
   */
  private static List<Row> scoreSegment(Reconstructor net, List<Row> segment, int features, int context,
      int width, SequenceWindows.Spec spec, String rule, Explaining explaining) {
    boolean mean = rule.equals("mean");
    boolean last = rule.equals("last");
    List<Row> out = new ArrayList<>(segment.size());
    int n = segment.size();
    boolean[] history = new boolean[n]; // rows that only fill windows (contextCol): never emitted
    for (int r = 0; context >= 0 && r < n; r++) {
      history[r] = !segment.get(r).isNullAt(context) && segment.get(r).getBoolean(context);
    }
    double[] best = new double[n];
    double[] sum = new double[n];
    int[] count = new int[n];
    // per row: the contributions of its best window (max) or their sum over its windows (mean)
    double[][] split = explaining == null ? null : new double[n][width];
    java.util.Arrays.fill(best, Double.NEGATIVE_INFINITY);
    List<int[]> windows = new ArrayList<>(); // the windows holding a row to emit
    for (int[] w : SequenceWindows.windowsOf(n, spec)) {
      boolean emits = false;
      for (int r = w[0]; r < w[0] + w[1] && !emits; r++) {
        emits = !history[r];
      }
      if (emits) {
        windows.add(w);
      }
    }
    int size = width * spec.length();
    int perBatch = Math.max(1, BatchScoring.BATCH_ROWS / spec.length());
    for (int b = 0; b < windows.size(); b += perBatch) {
      List<int[]> batch = windows.subList(b, Math.min(windows.size(), b + perBatch));
      float[] flat = new float[batch.size() * size];
      for (int i = 0; i < batch.size(); i++) {
        int[] w = batch.get(i);
        System.arraycopy(SequenceWindows.vector(segment, w[0], w[1], features, spec.length()), 0, flat, i * size, size);
      }
      INDArray x = Nd4jArrays.matrix(flat, batch.size(), size);
      BatchScoring.Scores scored = BatchScoring.reconstructionErrors(x, net.reconstruct(x, width), split != null);
      double[] scores = scored.scores();
      for (int i = 0; i < batch.size(); i++) {
        int[] w = batch.get(i);
        double[] windowSplit = split == null ? null : featureSplit(scored.contributions(), i, size, width);
        if (last) {
          // the window's score goes to the row it ends at; spread to the rows after it below
          int end = w[0] + w[1] - 1;
          best[end] = scores[i];
          count[end] = 1;
          if (split != null) {
            split[end] = windowSplit;
          }
          continue;
        }
        for (int r = w[0]; r < w[0] + w[1]; r++) {
          if (split != null && (mean || scores[i] > best[r])) {
            for (int j = 0; j < width; j++) {
              split[r][j] = mean ? split[r][j] + windowSplit[j] : windowSplit[j];
            }
          }
          best[r] = Math.max(best[r], scores[i]);
          sum[r] += scores[i];
          count[r]++;
        }
      }
    }
    if (last) {
      spreadToLaterRows(best, count, split);
    }
    for (int r = 0; r < n; r++) {
      if (history[r]) {
        continue;
      }
      Row row = segment.get(r);
      Object[] values = new Object[row.length() + (split == null ? 1 : 3)];
      for (int c = 0; c < row.length(); c++) {
        values[c] = row.get(c);
      }
      values[row.length()] = mean ? sum[r] / count[r] : best[r];
      if (split != null) {
        double[] contributions = split[r];
        for (int j = 0; j < width && mean; j++) {
          contributions[j] /= count[r];
        }
        values[row.length() + 1] = contributions;
        values[row.length() + 2] = io.vigil.core.Explanations.topNames(contributions, explaining.topK(),
            explaining.names());
      }
      out.add(RowFactory.create(values));
    }
    return out;
  }

  /**
   * windowScore = last: the rows that end no window (count 0) take the score (and split) of the latest
   * window ending before them; those before the first window's end take the first window's.
   */
  private static void spreadToLaterRows(double[] best, int[] count, double[][] split) {
    int first = 0;
    while (first < best.length && count[first] == 0) {
      first++;
    }
    if (first == best.length) {
      return; // no window ends in the segment (every window of it holds only history rows)
    }
    int from = first;
    for (int r = 0; r < best.length; r++) {
      if (count[r] > 0) {
        from = r;
      } else {
        best[r] = best[from];
        count[r] = 1;
        if (split != null) {
          split[r] = split[from];
        }
      }
    }
  }

  /**
   * Window {@code i}'s score split over the features: feature j's mean squared error over the steps (the
   * window vector is feature-major, {@link SequenceWindows#vector}: feature j, step t at j * length + t);
   * the window's score is the mean of these.
   */
  private static double[] featureSplit(float[] squaredErrors, int i, int size, int width) {
    double[] split = new double[width];
    int length = size / width;
    for (int k = 0; k < size; k++) {
      split[k / length] += squaredErrors[i * size + k];
    }
    for (int j = 0; j < width; j++) {
      split[j] /= length;
    }
    return split;
  }

  @Override
  public SequenceModel copy(ParamMap extra) {
    return copyValues(new SequenceModel(uid(), network, getNumFeatures()), extra).setParent(parent());
  }

  public static MLReader<SequenceModel> read() { return NetworkPersistence.reader(SequenceModel.class, SequenceModel::new); }

  public static SequenceModel load(String path) { return read().load(path); }
}

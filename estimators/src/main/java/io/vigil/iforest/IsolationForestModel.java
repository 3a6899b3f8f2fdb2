package io.vigil.iforest;


import io.vigil.core.AnomalyModel;
import io.vigil.core.FeatureBatchScorer;
import io.vigil.persist.ModelPersistence;
import io.vigil.persist.ParquetArrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A fitted Isolation Forest: its trees and the sample size psi they were grown from. */
public class IsolationForestModel extends AnomalyModel<IsolationForestModel> implements IsolationForestParams {

  private final IsolationTree[] trees;
  private final int numSamples;

  IsolationForestModel(String uid, IsolationTree[] trees, int numSamples, int width) {
    super(uid);
    this.trees = trees;
    this.numSamples = numSamples;
    set(numFeatures(), width);
  }

  public int numTrees() {
    return trees.length;
  }

  IsolationTree[] trees() {
    return trees;
  }

  /** psi: the rows each tree was grown on (its path lengths are normalised by c(psi)). */
  int numSamplesUsed() {
    return numSamples;
  }

  /** The score of one row: 2^(-mean path length / c(psi)). */
  static double score(IsolationTree[] forest, int psi, double[] x) {
    double total = 0;
    for (IsolationTree t : forest) {
      total += t.pathLength(x);
    }
    return score(total, forest.length, psi);
  }

  /** As {@link #score(IsolationTree[], int, double[])}, from the forest laid out for scoring: the same number. */
  static double score(ForestWalk forest, int psi, double[] x) {
    return score(forest.totalPathLength(x), forest.trees(), psi);
  }

  private static double score(double totalPathLength, int trees, int psi) {
    return Math.pow(2.0, -(totalPathLength / trees) / IsolationTree.averagePathLength(psi));
  }

  /**
   * The perturbation attribution (feature j: max(0, s(x) - s(x with x_j = mean_j))) without rescoring every
   * tree per feature: a tree's path for x changes only if it tests feature j on the way, so each tree is
   * walked again once for each distinct feature on x's path (a handful) instead of once per feature. Same
   * numbers as rescoring the row with x_j = mean_j, up to rounding.
   */
  static double[] perturbationContributions(IsolationTree[] forest, int psi, double[] means, double[] x,
      double score) {
    int d = x.length;
    double total = 0;
    double[] change = new double[d]; // the total path length's change when x_j is set to mean_j
    boolean[] seen = new boolean[d];
    int[] tested = new int[d];
    double[] perturbed = x.clone();
    for (IsolationTree t : forest) {
      double h = t.pathLength(x);
      total += h;
      int count = t.featuresOnPath(x, seen, tested);
      for (int u = 0; u < count; u++) {
        int f = tested[u];
        if (x[f] != means[f]) {
          perturbed[f] = means[f];
          change[f] += t.pathLength(perturbed) - h;
          perturbed[f] = x[f];
        }
      }
    }
    double c = IsolationTree.averagePathLength(psi);
    double[] contributions = new double[d];
    for (int j = 0; j < d; j++) {
      double rescored = Math.pow(2.0, -((total + change[j]) / forest.length) / c);
      contributions[j] = change[j] == 0 ? 0.0 : Math.max(0.0, score - rescored);
    }
    return contributions;
  }

  @Override
  protected Dataset<Row> score(Dataset<?> dataset) {
    int psi = numSamples;
    return scoreEachRowExplainedByPerturbation(dataset, trees, (forest, x) -> score(forest, psi, x),
        (forest, means, x, s) -> perturbationContributions(forest, psi, means, x, s));
  }

  @Override
  public FeatureBatchScorer batchScorer(SparkSession spark) {
    int psi = numSamples;
    return eachRow(spark, ForestWalk.of(trees), (forest, x) -> score(forest, psi, x));
  }

  /** By perturbation: how much each feature, set to its training mean, lowers the score of a flagged row. */
  @Override public boolean explains() { return true; }

  @Override
  public IsolationForestModel copy(ParamMap extra) {
    return copyValues(new IsolationForestModel(uid(), trees, numSamples, getNumFeatures()), extra).setParent(parent());
  }

  /** Metadata (with numSamples) + one Parquet row per tree holding its node arrays. */
  @Override
  public MLWriter write() {
    return new ModelPersistence.SealedWriter(this, Map.of("numSamples", numSamples, "numTrees", trees.length),
        (path, spark) -> {
          List<Row> rows = new ArrayList<>();
          for (int i = 0; i < trees.length; i++) {
            IsolationTree t = trees[i];
            rows.add(RowFactory.create(i, ParquetArrays.boxed(t.feature), ParquetArrays.boxed(t.split),
                ParquetArrays.boxed(t.left), ParquetArrays.boxed(t.right), ParquetArrays.boxed(t.leafSize)));
          }
          spark.createDataFrame(rows, DATA_SCHEMA).coalesce(1).write().parquet(ModelPersistence.dataPath(path));
        });
  }

  public static MLReader<IsolationForestModel> read() {
    return ModelPersistence.reader(IsolationForestModel.class, (metadata, path, spark) -> {
      int psi = ModelPersistence.fields(metadata).path("numSamples").asInt(-1);
      List<Row> rows = spark.read().parquet(ModelPersistence.dataPath(path)).orderBy("tree").collectAsList();
      IsolationTree[] trees = new IsolationTree[rows.size()];
      for (int i = 0; i < trees.length; i++) {
        Row r = rows.get(i);
        trees[i] = new IsolationTree(ParquetArrays.ints(r.get(1)), ParquetArrays.doubles(r.get(2)),
            ParquetArrays.ints(r.get(3)), ParquetArrays.ints(r.get(4)), ParquetArrays.ints(r.get(5)));
      }
      if (psi < 1 || trees.length == 0) {
        throw new IllegalArgumentException("The model at " + path + " is incomplete: numSamples " + psi + ", "
            + trees.length + " trees.");
      }
      return new IsolationForestModel(metadata.uid(), trees, psi, ModelPersistence.numFeatures(metadata, path));
    });
  }

  public static IsolationForestModel load(String path) { return read().load(path); }

  private static final StructType DATA_SCHEMA = new StructType()
      .add("tree", DataTypes.IntegerType, false)
      .add("feature", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("split", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("left", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("right", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("leafSize", DataTypes.createArrayType(DataTypes.IntegerType, false), false);

}

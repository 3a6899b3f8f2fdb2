package io.vigil.iforest;


import io.vigil.core.AnomalyModel;
import io.vigil.persist.ModelPersistence;
import io.vigil.persist.ParquetArrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A fitted Isolation Forest: its trees and the sample size psi they were grown from. */
public class IsolationForestModel extends AnomalyModel<IsolationForestModel> implements IsolationForestParams {

  private final IntParam numEstimators;
  private final DoubleParam maxSamples;
  private final DoubleParam maxFeatures;
  private final BooleanParam bootstrap;
  private final LongParam randomSeed;

  private final IsolationTree[] trees;
  private final int numSamples;

  IsolationForestModel(String uid, IsolationTree[] trees, int numSamples, int width) {
    super(uid);
    numEstimators = IsolationForestParams.numEstimators(this);
    maxSamples = IsolationForestParams.maxSamples(this);
    maxFeatures = IsolationForestParams.maxFeatures(this);
    bootstrap = IsolationForestParams.bootstrap(this);
    randomSeed = IsolationForestParams.randomSeed(this);
    IsolationForestParams.setForestDefaults(this);
    this.trees = trees;
    this.numSamples = numSamples;
    set(numFeatures(), width);
  }

  @Override public IntParam numEstimators() { return numEstimators; }
  @Override public DoubleParam maxSamples() { return maxSamples; }
  @Override public DoubleParam maxFeatures() { return maxFeatures; }
  @Override public BooleanParam bootstrap() { return bootstrap; }
  @Override public LongParam randomSeed() { return randomSeed; }

  @Override
  public String detectorName() {
    return IsolationForestDetector.NAME;
  }

  public int numTrees() {
    return trees.length;
  }

  /** The score of one row: 2^(-mean path length / c(psi)). */
  static double score(IsolationTree[] forest, int psi, double[] x) {
    double total = 0;
    for (IsolationTree t : forest) {
      total += t.pathLength(x);
    }
    return Math.pow(2.0, -(total / forest.length) / IsolationTree.averagePathLength(psi));
  }

  @Override
  protected Dataset<Row> score(Dataset<?> dataset) {
    int psi = numSamples;
    return scoreEachRowExplainedByPerturbation(dataset, trees, (forest, x) -> score(forest, psi, x));
  }

  /** By perturbation: how much each feature, set to its training mean, lowers the score of a flagged row. */
  @Override
  public boolean explains() {
    return true;
  }

  @Override
  public IsolationForestModel copy(ParamMap extra) {
    return copyValues(new IsolationForestModel(uid(), trees, numSamples, getNumFeatures()), extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  public static MLReader<IsolationForestModel> read() {
    return new Reader();
  }

  public static IsolationForestModel load(String path) {
    return read().load(path);
  }

  private static final StructType DATA_SCHEMA = new StructType()
      .add("tree", DataTypes.IntegerType, false)
      .add("feature", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("split", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("left", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("right", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("leafSize", DataTypes.createArrayType(DataTypes.IntegerType, false), false);

  /** Metadata (with numSamples) + one Parquet row per tree holding its node arrays. */
  static final class Writer extends MLWriter {
    private final IsolationForestModel model;

    Writer(IsolationForestModel model) {
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < model.trees.length; i++) {
        IsolationTree t = model.trees[i];
        rows.add(RowFactory.create(i, ParquetArrays.boxed(t.feature), ParquetArrays.boxed(t.split),
            ParquetArrays.boxed(t.left), ParquetArrays.boxed(t.right), ParquetArrays.boxed(t.leafSize)));
      }
      sparkSession().createDataFrame(rows, DATA_SCHEMA).coalesce(1).write().parquet(ModelPersistence.dataPath(path));
      ModelPersistence.saveMetadata(model, path, sc(), Map.of("detector", IsolationForestDetector.NAME,
          "numSamples", model.numSamples, "numTrees", model.trees.length));
      ModelPersistence.writeChecksums(path, sc());
    }
  }

  static final class Reader extends MLReader<IsolationForestModel> {
    @Override
    public IsolationForestModel load(String path) {
      DefaultParamsReader.Metadata metadata =
          ModelPersistence.loadMetadata(path, sc(), IsolationForestModel.class);
      int psi = ModelPersistence.fields(metadata).path("numSamples").asInt(-1);
      List<Row> rows = sparkSession().read().parquet(ModelPersistence.dataPath(path)).orderBy("tree").collectAsList();
      IsolationTree[] trees = new IsolationTree[rows.size()];
      for (int i = 0; i < trees.length; i++) {
        Row r = rows.get(i);
        trees[i] = new IsolationTree(ParquetArrays.ints(r.get(1)), ParquetArrays.doubles(r.get(2)),
            ParquetArrays.ints(r.get(3)), ParquetArrays.ints(r.get(4)), ParquetArrays.ints(r.get(5)));
      }
      int width = ModelPersistence.numFeatures(metadata, path);
      if (psi < 1 || trees.length == 0) {
        throw new IllegalArgumentException("The model at " + path + " is incomplete: numSamples " + psi + ", "
            + trees.length + " trees.");
      }
      IsolationForestModel model = new IsolationForestModel(metadata.uid(), trees, psi, width);
      ModelPersistence.setParams(metadata, model);
      return model;
    }
  }

}

package io.vigil.ocsvm;


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

/**
 * A fitted one-class SVM ensemble. Score = -(mean over members of f_m(x)), so higher = more anomalous
 * (the opposite of LIBSVM's and scikit-learn's decision function).
 */
public class OneClassSvmModel extends AnomalyModel<OneClassSvmModel> implements OneClassSvmParams {

  private final SvmMember[] members;
  private final double gammaValue;

  OneClassSvmModel(String uid, SvmMember[] members, double gammaValue, int width) {
    super(uid);
    this.members = members;
    this.gammaValue = gammaValue;
    set(numFeatures(), width);
  }

  public int numMembers() {
    return members.length;
  }

  public int numSupportVectors() {
    int n = 0;
    for (SvmMember m : members) {
      n += m.vectors.length;
    }
    return n;
  }

  /** Every member's support vectors, one after another (copies): e.g. to compare a scorer on the same vectors. */
  public double[][] supportVectors() {
    return java.util.Arrays.stream(members).flatMap(m -> java.util.Arrays.stream(m.vectors)).map(double[]::clone)
        .toArray(double[][]::new);
  }

  /** The kernel width actually used (resolved from 'scale' or 'auto' at fit time). */
  public double gammaValue() {
    return gammaValue;
  }

  static double score(SvmMember[] ensemble, double gamma, double[] x) {
    double norm2 = SvmMember.dot(x, x);
    double sum = 0;
    for (SvmMember m : ensemble) {
      sum += m.decision(x, norm2, gamma);
    }
    return -sum / ensemble.length;
  }

  /**
   * The perturbation attribution (feature j: max(0, s(x) - s(x with x_j = mean_j))) computed from each
   * support vector's squared distance once: setting x_j to mean_j changes |x - v|^2 by
   * (mean_j - v_j)^2 - (x_j - v_j)^2, so all d perturbed scores cost one kernel term per (vector,
   * feature) instead of d full rescorings (d times fewer dot products). Same numbers as rescoring the row
   * with x_j = mean_j, up to rounding.
   */
  static double[] perturbationContributions(SvmMember[] ensemble, double gamma, double[] means, double[] x,
      double score) {
    int d = x.length;
    double[] perturbed = new double[d]; // sum over members of each perturbed decision
    for (SvmMember m : ensemble) {
      for (int i = 0; i < m.vectors.length; i++) {
        double[] v = m.vectors[i];
        double d2 = 0;
        for (int j = 0; j < d; j++) {
          double diff = x[j] - v[j];
          d2 += diff * diff;
        }
        double w = m.weights[i];
        for (int j = 0; j < d; j++) {
          double from = x[j] - v[j];
          double to = means[j] - v[j];
          perturbed[j] += w * Math.exp(-gamma * Math.max(0.0, d2 - from * from + to * to));
        }
      }
      for (int j = 0; j < d; j++) {
        perturbed[j] += m.intercept;
      }
    }
    double[] contributions = new double[d];
    for (int j = 0; j < d; j++) {
      contributions[j] = x[j] == means[j] ? 0.0 : Math.max(0.0, score + perturbed[j] / ensemble.length);
    }
    return contributions;
  }

  /**
   * Scores alone: a batch of rows at a time by matrix products ({@link SvmBatchScorer}, FLOAT). With
   * explanations, row by row in double (the perturbation needs each row's distances anyway), on flagged rows.
   */
  @Override
  protected Dataset<Row> score(Dataset<?> dataset) {
    double g = gammaValue;
    if (getExplainTopK() == 0) {
      return io.vigil.dl4j.BatchScoring.appendScores(dataset, batchScorer(dataset.sparkSession()), getFeaturesCol(),
          getScoreCol(), getNumFeatures(), 0, getFeatureNames());
    }
    return scoreEachRowExplainedByPerturbation(dataset, members, (ensemble, x) -> score(ensemble, g, x),
        (ensemble, means, x, s) -> perturbationContributions(ensemble, g, means, x, s));
  }

  @Override
  public FeatureBatchScorer batchScorer(SparkSession spark) {
    if (getExplainTopK() > 0) {
      return null; // explained by perturbation, row by row (score)
    }
    return io.vigil.dl4j.BatchScoring.batchScorer(spark, SvmBatchScorer.toBytes(members, gammaValue),
        SvmBatchScorer::fromBytes, (scorer, x, rows, width, scores, contributions) -> scorer.score(x, rows, width,
            scores));
  }

  /** By perturbation: how much each feature, set to its training mean, lowers the score of a flagged row. */
  @Override public boolean explains() { return true; }

  @Override
  public OneClassSvmModel copy(ParamMap extra) {
    return copyValues(new OneClassSvmModel(uid(), members, gammaValue, getNumFeatures()), extra).setParent(parent());
  }

  /** Metadata (with the resolved gamma) + one Parquet row per member: intercept, weights, support vectors. */
  @Override
  public MLWriter write() {
    return new ModelPersistence.SealedWriter(this, Map.of("gammaValue", gammaValue, "numMembers", members.length),
        (path, spark) -> {
          List<Row> rows = new ArrayList<>();
          for (int i = 0; i < members.length; i++) {
            SvmMember m = members[i];
            List<List<Double>> vectors = new ArrayList<>();
            for (double[] v : m.vectors) {
              vectors.add(ParquetArrays.boxed(v));
            }
            rows.add(RowFactory.create(i, m.intercept, ParquetArrays.boxed(m.weights), vectors));
          }
          spark.createDataFrame(rows, DATA_SCHEMA).coalesce(1).write().parquet(ModelPersistence.dataPath(path));
        });
  }

  public static MLReader<OneClassSvmModel> read() {
    return ModelPersistence.reader(OneClassSvmModel.class, (metadata, path, spark) -> {
      double g = ModelPersistence.fields(metadata).path("gammaValue").asDouble(Double.NaN);
      int width = ModelPersistence.numFeatures(metadata, path);
      List<Row> rows = spark.read().parquet(ModelPersistence.dataPath(path)).orderBy("member").collectAsList();
      SvmMember[] members = new SvmMember[rows.size()];
      for (int i = 0; i < members.length; i++) {
        Row r = rows.get(i);
        List<Object> vs = r.getList(3);
        double[][] vectors = new double[vs.size()][];
        for (int j = 0; j < vectors.length; j++) {
          vectors[j] = ParquetArrays.doubles(vs.get(j));
          if (vectors[j].length != width) {
            throw new IllegalArgumentException("The model at " + path + " has a support vector of width "
                + vectors[j].length + " for numFeatures " + width + ".");
          }
        }
        members[i] = new SvmMember(vectors, ParquetArrays.doubles(r.get(2)), r.getDouble(1));
      }
      if (!(g > 0) || members.length == 0) {
        throw new IllegalArgumentException("The model at " + path + " is incomplete: gamma " + g + ", "
            + members.length + " members.");
      }
      return new OneClassSvmModel(metadata.uid(), members, g, width);
    });
  }

  public static OneClassSvmModel load(String path) { return read().load(path); }

  private static final StructType DATA_SCHEMA = new StructType()
      .add("member", DataTypes.IntegerType, false)
      .add("intercept", DataTypes.DoubleType, false)
      .add("weights", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("vectors", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType, false), false), false);

  /** The members, for tests in this package. */
  SvmMember[] members() {
    return members;
  }

}

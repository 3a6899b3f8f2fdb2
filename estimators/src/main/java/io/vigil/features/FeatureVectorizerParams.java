package io.vigil.features;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;

/**
 * Params of {@link FeatureVectorizer} and {@link FeatureVectorizerModel}. Each is made once per stage by
 * {@link Declared} (its name, doc, validator and default written there only); the accessors Spark's reflection
 * finds are the default methods here.
 */
public interface FeatureVectorizerParams extends Params {

  /** This stage's params (made in its constructor, after its uid). */
  Declared declared();

  default StringArrayParam numericCols() { return declared().numericCols; }
  default StringArrayParam categoricalCols() { return declared().categoricalCols; }
  default StringArrayParam log1pCols() { return declared().log1pCols; }
  default Param<String> scaler() { return declared().scaler; }
  default IntParam maxCategories() { return declared().maxCategories; }
  default Param<String> outputCol() { return declared().outputCol; }

  default String[] getNumericCols() { return (String[]) getOrDefault(numericCols()); }
  default String[] getCategoricalCols() { return (String[]) getOrDefault(categoricalCols()); }
  default String[] getLog1pCols() { return (String[]) getOrDefault(log1pCols()); }
  default String getScaler() { return getOrDefault(scaler()); }
  default int getMaxCategories() { return (Integer) getOrDefault(maxCategories()); }
  default String getOutputCol() { return getOrDefault(outputCol()); }

  /** The params of one stage. */
  final class Declared implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final StringArrayParam numericCols;
    final StringArrayParam categoricalCols;
    final StringArrayParam log1pCols;
    final Param<String> scaler;
    final IntParam maxCategories;
    final Param<String> outputCol;

    public Declared(Params owner) {
      numericCols = new StringArrayParam(owner, "numericCols", "numeric (or boolean) input columns, one slot each");
      categoricalCols = new StringArrayParam(owner, "categoricalCols", "categorical input columns (any type, read"
          + " as strings), one-hot encoded: a slot per kept training value and one for null and unseen values");
      log1pCols = new StringArrayParam(owner, "log1pCols", "numeric columns taken as log1p(max(x, 0)) before"
          + " scaling (counts and durations that span orders of magnitude); each must be among numericCols");
      scaler = new Param<>(owner, "scaler", "'standard' (training mean 0 and sample standard deviation 1; a"
          + " constant slot becomes 0), 'minmax' (training range to [0, 1]; a constant slot becomes 0.5) or 'none'",
          ParamValidators.inArray(new String[] {FeaturePipeline.STANDARD, FeaturePipeline.MINMAX,
              FeaturePipeline.NONE}));
      maxCategories = new IntParam(owner, "maxCategories", "values each categorical column keeps, its most frequent"
          + " in the training rows (ties by value); the rest share one 'other' slot; 0 = every training value",
          ParamValidators.gtEq(0));
      outputCol = new Param<>(owner, "outputCol", "the feature vector column written");
      owner.setDefault(categoricalCols, new String[0]);
      owner.setDefault(log1pCols, new String[0]);
      owner.setDefault(scaler, FeaturePipeline.STANDARD);
      owner.setDefault(maxCategories, FeaturePipeline.DEFAULT_MAX_CATEGORIES);
      owner.setDefault(outputCol, "features");
    }
  }
}

package dev.trainer4j.testing;

import dev.trainer4j.api.DataType;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.Model;

import java.util.List;

/**
 * A linear-regression model for the {@link FakeBackend}: feature {@code x} (FLOAT32 {@code [batch, features]}) and
 * label {@code labels} (FLOAT32 {@code [batch]}; a label of -100 is not an item).
 */
public record FakeModel(int features, int numClasses, boolean openFeatureSize) implements Model {
    public static final String FEATURES = "x";
    public static final String LABELS = "labels";

    /** The linear regression: float labels. */
    public FakeModel(int features) {
        this(features, 0);
    }

    /** With {@code numClasses > 0} the labels are declared as INT32 class indices. */
    public FakeModel(int features, int numClasses) {
        this(features, numClasses, false);
    }

    @Override
    public String name() {
        return numClasses > 0 ? "linear-class-index" : "linear-regression";
    }

    /**
     * With {@code numClasses > 0} the labels are declared as INT32 class indices (the fake engine regresses them);
     * with {@code openFeatureSize} the features as {@code [batch, -1]}, as a sequence model declares its lengths.
     */
    @Override
    public List<InputSpec> inputs() {
        return List.of(InputSpec.feature(FEATURES, DataType.FLOAT32, -1, openFeatureSize ? -1 : features),
                numClasses > 0 ? InputSpec.classLabel(LABELS, DataType.INT32, numClasses, -1)
                        : InputSpec.label(LABELS, DataType.FLOAT32, -1));
    }
}

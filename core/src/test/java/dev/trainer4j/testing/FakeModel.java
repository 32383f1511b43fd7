package dev.trainer4j.testing;

import dev.trainer4j.api.DataType;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.Model;

import java.util.List;

/**
 * A linear-regression model for the {@link FakeBackend}: feature {@code x} (FLOAT32 {@code [batch, features]}) and
 * label {@code labels} (FLOAT32 {@code [batch]}; a label of -100 is not an item).
 */
public record FakeModel(int features) implements Model {
    public static final String FEATURES = "x";
    public static final String LABELS = "labels";

    @Override
    public String name() {
        return "linear-regression";
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(InputSpec.feature(FEATURES, DataType.FLOAT32, -1, features),
                InputSpec.label(LABELS, DataType.FLOAT32, -1));
    }
}

package dev.trainer4j.tf.io;

import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.tf.TfModel;
import dev.trainer4j.tf.nn.TfModelScope;
import org.tensorflow.Operand;

import java.util.List;
import java.util.Map;

/** A test model that builds another model under one more scope segment, so its variables get a prefix. */
final class PrefixedModel implements TfModel {
    private final String prefix;
    private final TfModel inner;

    PrefixedModel(String prefix, TfModel inner) {
        this.prefix = prefix;
        this.inner = inner;
    }

    @Override
    public String name() {
        return prefix + "-" + inner.name();
    }

    @Override
    public List<InputSpec> inputs() {
        return inner.inputs();
    }

    @Override
    public ModelOutput<Operand<?>> build(TfModelScope scope, Map<String, Operand<?>> inputs) {
        return inner.build(scope.child(prefix), inputs);
    }
}

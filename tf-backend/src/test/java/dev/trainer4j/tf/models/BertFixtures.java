package dev.trainer4j.tf.models;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import dev.trainer4j.spi.PluginContext;
import dev.trainer4j.tf.nn.TestModelScope;
import dev.trainer4j.tf.pretrained.HuggingFaceName;
import dev.trainer4j.tf.pretrained.HuggingFaceWeights;
import dev.trainer4j.tf.pretrained.WeightSource;
import dev.trainer4j.tf.pretrained.WeightSources;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bert-small fixture ({@code fixtures/bert-small}, written by its {@code generate_bert_small.py}): a model
 * built from its config.json, its safetensors weights assigned through {@link dev.trainer4j.tf.pretrained.HuggingFaceNamed},
 * and torch's expected outputs.
 */
final class BertFixtures {
    static final Path FOLDER = folder();

    private BertFixtures() {
    }

    private static Path folder() {
        try {
            return Path.of(BertFixtures.class.getResource("/fixtures/bert-small/config.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A bert-encoder from the fixture's config.json with {@code overrides} over the model block's defaults. */
    static BertEncoder model(String overrides) {
        Config block = ConfigFactory.parseString("config = config.json\n" + overrides)
                .withFallback(ConfigFactory.defaultReference().getConfig("trainer4j.plugins.models.bert-encoder"));
        PluginContext context = () -> FOLDER;
        return (BertEncoder) new BertEncoderFactory().create(block, context);
    }

    static Config expected() {
        return ConfigFactory.parseFile(FOLDER.resolve("expected.json").toFile(),
                ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
    }

    /** The values of a nested list of numbers in {@code expected.json}, flattened row-major. */
    static float[] flat(Config expected, String key) {
        List<Float> values = new ArrayList<>();
        flatten(expected.getValue(key).unwrapped(), values);
        float[] result = new float[values.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = values.get(i);
        }
        return result;
    }

    /** The values of a nested list of integers in {@code expected.json}, flattened row-major. */
    static int[] flatInts(Config expected, String key) {
        float[] values = flat(expected, key);
        int[] ints = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            ints[i] = (int) values[i];
        }
        return ints;
    }

    private static void flatten(Object value, List<Float> into) {
        if (value instanceof List<?> list) {
            list.forEach(item -> flatten(item, into));
        } else {
            into.add(((Number) value).floatValue());
        }
    }

    /**
     * Assign ops that set every variable of {@code model} that has a tensor in the fixture's model.safetensors, read
     * by the production reader and mapped through {@link HuggingFaceWeights#forModel} (transposed where the name says
     * so), checking the shapes.
     *
     * @param unused receives the file's tensor names no variable took
     */
    static List<Op> assignments(Graph graph, TestModelScope scope, BertEncoder model, Set<String> unused) {
        Ops tf = Ops.create(graph);
        Map<String, Output<TFloat32>> variables = scope.variables();
        List<Op> assigns = new ArrayList<>();
        try (WeightSource file = WeightSources.open(FOLDER.resolve("model.safetensors"))) {
            WeightSource mapped = HuggingFaceWeights.forModel(file, model);
            unused.addAll(file.keys());
            for (HuggingFaceName name : model.huggingFaceNames()) {
                if (!mapped.keys().contains(name.variable())) {
                    continue;
                }
                unused.remove(name.huggingFaceName());
                Output<TFloat32> variable = variables.get(name.variable());
                if (variable == null) {
                    throw new IllegalStateException("no variable " + name.variable() + " for " + name.huggingFaceName());
                }
                Shape shape = Shape.of(mapped.shape(name.variable()));
                if (!variable.shape().equals(shape)) {
                    throw new IllegalStateException(name + ": variable " + variable.shape() + ", file " + shape);
                }
                assigns.add(tf.assign(variable,
                        tf.constant(shape, DataBuffers.of(mapped.readFloats(name.variable()), true, false))));
            }
        }
        return assigns;
    }
}

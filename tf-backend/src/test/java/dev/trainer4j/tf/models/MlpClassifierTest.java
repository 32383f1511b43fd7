package dev.trainer4j.tf.models;

import dev.trainer4j.api.DataType;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.tf.nn.Activation;
import dev.trainer4j.tf.nn.TestModelScope;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.List;
import java.util.Map;

import static dev.trainer4j.tf.nn.TfTestSupport.floats;
import static dev.trainer4j.tf.nn.TfTestSupport.ints;
import static dev.trainer4j.tf.nn.TfTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MlpClassifierTest {
    private static final float[] FEATURES = {0.5f, -1f, 2f, 0f, 1f, 1f, -0.5f, 0.25f, 3f, -2f, 0f, 1f};

    @Test
    void declaresFeaturesAndIntegerLabels() {
        MlpClassifier model = new MlpClassifier(new MlpClassifierSettings(4, List.of(8), 3, 0.1, Activation.RELU));
        assertThat(model.name()).isEqualTo("mlp-classifier");
        assertThat(model.inputs()).containsExactly(InputSpec.feature("features", DataType.FLOAT32, -1, 4),
                InputSpec.classLabel("labels", DataType.INT32, 3, -1));
        assertThat(model.labelNames()).containsExactly("labels");
    }

    @Test
    void lossIsTheMaskedCrossEntropyOfTheLogitsAndEveryVariableHasAGradient() {
        MlpClassifier model = new MlpClassifier(new MlpClassifierSettings(4, List.of(6, 5), 3, 0.2,
                Activation.GELU));
        try (Graph graph = new Graph()) {
            TestModelScope scope = TestModelScope.create(graph, true, 3);
            Ops tf = Ops.create(graph);
            Operand<TFloat32> features = tf.placeholder(TFloat32.class);
            Operand<TInt32> labels = tf.placeholder(TInt32.class);
            ModelOutput<Operand<?>> training = model.build(scope, Map.of("features", features, "labels", labels));
            ModelOutput<Operand<?>> evaluation = model.build(scope.withTraining(false),
                    Map.of("features", features, "labels", labels));
            ModelOutput<Operand<?>> prediction = model.build(scope.withTraining(false),
                    Map.of("features", features));
            assertThat(scope.variableNames()).containsExactly("mlp/dense_0/kernel", "mlp/dense_0/bias",
                    "mlp/dense_1/kernel", "mlp/dense_1/bias", "mlp/classifier/kernel", "mlp/classifier/bias");
            assertThat(prediction.hasLoss()).isFalse();
            Output<?>[] gradients = graph.addGradients(training.lossSum().orElseThrow().asOutput(),
                    scope.variables().values().toArray(Output<?>[]::new));

            try (Session session = new Session(graph);
                    TFloat32 featureValues = floats(FEATURES, 3, 4);
                    TInt32 labelValues = ints(new int[] {1, -100, 2}, 3)) {
                Map<Operand<?>, Tensor> feeds = Map.of(features, featureValues, labels, labelValues);
                List<float[]> values = run(session, feeds, evaluation.get("logits"),
                        evaluation.lossSum().orElseThrow(), evaluation.itemCount().orElseThrow(),
                        prediction.get("logits"));
                float[] logits = values.get(0);
                double expected = negativeLogSoftmax(logits, 0, 1) + negativeLogSoftmax(logits, 2, 2);
                assertThat((double) values.get(1)[0]).isCloseTo(expected, within(1e-5));
                assertThat(values.get(2)).containsExactly(2f);
                assertThat(values.get(3)).containsExactly(logits);
                for (float[] gradient : run(session, feeds, gradients)) {
                    for (float g : gradient) {
                        assertThat(Float.isFinite(g)).isTrue();
                    }
                }
            }
        }
    }

    @Test
    void oneLabelIsRegressionWithSquaredError() {
        MlpClassifier model = new MlpClassifier(new MlpClassifierSettings(4, List.of(), 1, 0, Activation.NONE));
        assertThat(model.inputs().get(1)).isEqualTo(InputSpec.label("labels", DataType.FLOAT32, -1));
        try (Graph graph = new Graph()) {
            TestModelScope scope = TestModelScope.create(graph, true, 3);
            Ops tf = Ops.create(graph);
            Operand<TFloat32> features = tf.placeholder(TFloat32.class);
            Operand<TFloat32> targets = tf.placeholder(TFloat32.class);
            ModelOutput<Operand<?>> output = model.build(scope, Map.of("features", features, "labels", targets));
            try (Session session = new Session(graph);
                    TFloat32 featureValues = floats(FEATURES, 3, 4);
                    TFloat32 targetValues = floats(new float[] {1f, -1f, 0.5f}, 3)) {
                List<float[]> values = run(session, Map.of(features, featureValues, targets, targetValues),
                        output.get("logits"), output.lossSum().orElseThrow(), output.itemCount().orElseThrow());
                float[] predictions = values.get(0);
                double expected = Math.pow(predictions[0] - 1, 2) + Math.pow(predictions[1] + 1, 2)
                        + Math.pow(predictions[2] - 0.5, 2);
                assertThat((double) values.get(1)[0]).isCloseTo(expected, within(1e-5));
                assertThat(values.get(2)).containsExactly(3f);
            }
        }
    }

    @Test
    void missingFeaturesNameTheInput() {
        MlpClassifier model = new MlpClassifier(new MlpClassifierSettings(4, List.of(), 2, 0, Activation.NONE));
        try (Graph graph = new Graph()) {
            Operand<TInt32> labels = Ops.create(graph).placeholder(TInt32.class);
            assertThatThrownBy(() -> model.build(TestModelScope.create(graph, true, 1), Map.of("labels", labels)))
                    .hasMessage("mlp-classifier needs the input 'features'; present: [labels]");
        }
    }

    private static double negativeLogSoftmax(float[] logits, int row, int label) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < 3; c++) {
            max = Math.max(max, logits[row * 3 + c]);
        }
        double sum = 0;
        for (int c = 0; c < 3; c++) {
            sum += Math.exp(logits[row * 3 + c] - max);
        }
        return max + Math.log(sum) - logits[row * 3 + label];
    }
}

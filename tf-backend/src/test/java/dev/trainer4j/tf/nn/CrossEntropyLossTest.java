package dev.trainer4j.tf.nn;

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

class CrossEntropyLossTest {
    private static final float[] LOGITS = {
        1.0f, 2.0f, 0.5f,
        -1.0f, 0.0f, 3.0f,
        0.3f, -0.7f, 1.2f,
        2.5f, 2.4f, -2.0f,
    };
    private static final int[] LABELS = {2, -100, 0, 1};
    private static final int CLASSES = 3;

    @Test
    void sumAndCountSkipIgnoredLabels() {
        float[][] values = evaluate(new CrossEntropyLoss(), LOGITS, LABELS, new long[] {4, 3}, new long[] {4}, false);

        assertThat(values[0][0]).isCloseTo((float) handLossSum(LOGITS, LABELS, CLASSES, 0, null), within(1e-5f));
        assertThat(values[1][0]).isEqualTo(3f);
    }

    @Test
    void tokenLevelLogitsAreFlattened() {
        // [B=2, T=3, C=4]
        float[] logits = {
            0.1f, 0.2f, 0.3f, 0.4f, 1f, -1f, 0f, 2f, -0.5f, 0.5f, 1.5f, -1.5f,
            3f, 1f, 0f, -1f, 0.7f, 0.7f, 0.7f, 0.7f, 2f, 0f, 0f, 5f,
        };
        int[] labels = {1, -100, 3, 0, 2, -100};
        float[][] values = evaluate(new CrossEntropyLoss(), logits, labels, new long[] {2, 3, 4}, new long[] {2, 3},
                false);

        assertThat(values[0][0]).isCloseTo((float) handLossSum(logits, labels, 4, 0, null), within(1e-5f));
        assertThat(values[1][0]).isEqualTo(4f);
    }

    @Test
    void gradientIsSoftmaxMinusOneHotTimesMask() {
        float[][] values = evaluate(new CrossEntropyLoss(), LOGITS, LABELS, new long[] {4, 3}, new long[] {4}, false);

        float[] gradient = values[2];
        for (int item = 0; item < LABELS.length; item++) {
            double[] p = softmax(LOGITS, item, CLASSES);
            for (int c = 0; c < CLASSES; c++) {
                double expected = LABELS[item] == -100 ? 0 : p[c] - (LABELS[item] == c ? 1 : 0);
                assertThat((double) gradient[item * CLASSES + c]).as("d sum / d logit[%d,%d]", item, c)
                        .isCloseTo(expected, within(1e-6));
            }
        }
    }

    @Test
    void classWeightsMatchTorchWeightedMeanAndItsGradient() {
        float[] weights = {1f, 2f, 3f};
        float[][] values = evaluate(new CrossEntropyLoss(0, weights), LOGITS, LABELS, new long[] {4, 3},
                new long[] {4}, true);

        double weightSum = 0;
        for (int label : LABELS) {
            weightSum += label == -100 ? 0 : weights[label];
        }
        double weightedSum = handLossSum(LOGITS, LABELS, CLASSES, 0, weights);
        assertThat((double) values[0][0]).isCloseTo(weightedSum, within(1e-5));
        assertThat((double) values[1][0]).isCloseTo(weightSum, within(1e-6)); // 3 + 1 + 2
        assertThat(weightSum).isEqualTo(6.0);

        // d(Σ w_y ℓ / Σ w_y) / d logit = w_y (softmax - onehot) / Σ w_y
        float[] gradient = values[2];
        for (int item = 0; item < LABELS.length; item++) {
            double[] p = softmax(LOGITS, item, CLASSES);
            for (int c = 0; c < CLASSES; c++) {
                double expected = LABELS[item] == -100 ? 0
                        : weights[LABELS[item]] * (p[c] - (LABELS[item] == c ? 1 : 0)) / weightSum;
                assertThat((double) gradient[item * CLASSES + c]).isCloseTo(expected, within(1e-6));
            }
        }
    }

    @Test
    void labelSmoothingFollowsHuggingFacesFormula() {
        double epsilon = 0.1;
        float[][] values = evaluate(new CrossEntropyLoss(epsilon, null), LOGITS, LABELS, new long[] {4, 3},
                new long[] {4}, false);

        // HF LabelSmoother: (1-ε)·NLL + ε·mean over classes of -log p, summed over the non-ignored items
        double expected = 0;
        for (int item = 0; item < LABELS.length; item++) {
            if (LABELS[item] == -100) {
                continue;
            }
            double[] p = softmax(LOGITS, item, CLASSES);
            double meanNegativeLog = 0;
            for (double probability : p) {
                meanNegativeLog += -Math.log(probability) / CLASSES;
            }
            expected += (1 - epsilon) * -Math.log(p[LABELS[item]]) + epsilon * meanNegativeLog;
        }
        assertThat((double) values[0][0]).isCloseTo(expected, within(1e-5));
        assertThat(values[1][0]).isEqualTo(3f);
        assertThat((double) values[0][0]).isGreaterThan(handLossSum(LOGITS, LABELS, CLASSES, 0, null) + 1e-3);
    }

    @Test
    void allItemsIgnoredGiveZeroSumAndCount() {
        float[][] values = evaluate(new CrossEntropyLoss(), LOGITS, new int[] {-100, -100, -100, -100},
                new long[] {4, 3}, new long[] {4}, false);

        assertThat(values[0][0]).isZero();
        assertThat(values[1][0]).isZero();
        for (float g : values[2]) {
            assertThat(g).isZero();
        }
    }

    @Test
    void rejectsBadSettingsAndMismatchedWeights() {
        assertThatThrownBy(() -> new CrossEntropyLoss(1.0, null)).hasMessageContaining("label smoothing 1.0");
        assertThatThrownBy(() -> new CrossEntropyLoss(0, new float[] {1, -2}))
                .hasMessageContaining("[1.0, -2.0]").hasMessageContaining(">= 0");
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Operand<TFloat32> logits = tf.placeholder(TFloat32.class,
                    org.tensorflow.op.core.Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1, 3)));
            Operand<TInt32> labels = tf.placeholder(TInt32.class);
            assertThatThrownBy(() -> new CrossEntropyLoss(0, new float[] {1, 2}).compute(tf, logits, labels))
                    .hasMessage("class weights have 2 entries but the logits have 3 classes");
        }
    }

    /** Runs the loss; returns {sum, count, d(sum or sum/count)/d logits}. */
    private static float[][] evaluate(CrossEntropyLoss loss, float[] logitValues, int[] labelValues,
            long[] logitShape, long[] labelShape, boolean gradientOfMean) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Operand<TFloat32> logitsInput = tf.placeholder(TFloat32.class);
            Operand<TFloat32> logits = tf.identity(logitsInput);
            Operand<TInt32> labels = tf.placeholder(TInt32.class);
            LossSum result = loss.compute(tf, logits, labels);
            Operand<TFloat32> objective = gradientOfMean ? tf.math.div(result.sum(), result.count()) : result.sum();
            Output<?>[] gradients = graph.addGradients(objective.asOutput(), new Output<?>[] {logits.asOutput()});
            try (Session session = new Session(graph);
                    TFloat32 logitTensor = floats(logitValues, logitShape);
                    TInt32 labelTensor = ints(labelValues, labelShape)) {
                Map<Operand<?>, Tensor> feeds = Map.of(logitsInput, logitTensor, labels, labelTensor);
                List<float[]> values = run(session, feeds, result.sum(), result.count(), gradients[0]);
                return values.toArray(float[][]::new);
            }
        }
    }

    static double[] softmax(float[] logits, int item, int classes) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, logits[item * classes + c]);
        }
        double total = 0;
        double[] p = new double[classes];
        for (int c = 0; c < classes; c++) {
            p[c] = Math.exp(logits[item * classes + c] - max);
            total += p[c];
        }
        for (int c = 0; c < classes; c++) {
            p[c] /= total;
        }
        return p;
    }

    /** Σ over non-ignored items of w_y · (-log p_y), with smoothing ε over the classes. */
    static double handLossSum(float[] logits, int[] labels, int classes, double epsilon, float[] weights) {
        double sum = 0;
        for (int item = 0; item < labels.length; item++) {
            if (labels[item] == -100) {
                continue;
            }
            double[] p = softmax(logits, item, classes);
            double loss = -Math.log(p[labels[item]]);
            double weight = weights == null ? 1 : weights[labels[item]];
            sum += weight * loss;
        }
        return sum;
    }
}

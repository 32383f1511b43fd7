package dev.trainer4j.tf.nn;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.Map;
import java.util.Random;

import static dev.trainer4j.tf.nn.TfTestSupport.floats;
import static dev.trainer4j.tf.nn.TfTestSupport.ints;
import static dev.trainer4j.tf.nn.TfTestSupport.run;
import static dev.trainer4j.tf.nn.TfTestSupport.shapeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MultiHeadSelfAttentionTest {
    private static final int HIDDEN = 8;

    @Test
    void paddedKeysDoNotChangeTheOutputOfRealPositions() {
        Random random = new Random(7);
        int real = 3;
        int padded = 5;
        float[] shortInput = new float[real * HIDDEN];
        float[] longInput = new float[padded * HIDDEN];
        for (int i = 0; i < longInput.length; i++) {
            longInput[i] = (float) random.nextGaussian();
            if (i < shortInput.length) {
                shortInput[i] = longInput[i];
            } else {
                longInput[i] *= 10; // padding vectors far from the real ones
            }
        }
        try (Graph graph = new Graph()) {
            TestModelScope scope = TestModelScope.create(graph, false, 1);
            Ops tf = scope.tf();
            Operand<TFloat32> x = tf.placeholder(TFloat32.class);
            Operand<TInt32> mask = tf.placeholder(TInt32.class);
            MultiHeadSelfAttention attention = new MultiHeadSelfAttention(scope.child("attention"), HIDDEN, 2, 0.1);
            TransformerEncoderBlock block = new TransformerEncoderBlock(scope.child("layer"), HIDDEN, 2, 16, 0.1,
                    1e-5);
            Operand<TFloat32> attended = attention.apply(x, mask);
            Operand<TFloat32> blockOutput = block.apply(x, mask);
            Operand<TFloat32> unmasked = attention.apply(x, null);
            assertThat(scope.variableNames()).contains("attention/query/kernel", "attention/key/bias",
                    "attention/value/kernel", "attention/output/kernel", "layer/attention_norm/gamma",
                    "layer/attention/query/kernel", "layer/ffn_norm/beta", "layer/intermediate/kernel",
                    "layer/output/bias");

            try (Session session = new Session(graph);
                    TFloat32 shortX = floats(shortInput, 1, real, HIDDEN);
                    TInt32 shortMask = ints(new int[] {1, 1, 1}, 1, real);
                    TFloat32 longX = floats(longInput, 1, padded, HIDDEN);
                    TInt32 longMask = ints(new int[] {1, 1, 1, 0, 0}, 1, padded)) {
                Map<Operand<?>, Tensor> shortFeeds = Map.of(x, shortX, mask, shortMask);
                Map<Operand<?>, Tensor> longFeeds = Map.of(x, longX, mask, longMask);
                float[] shortAttention = run(session, shortFeeds, attended).get(0);
                float[] longAttention = run(session, longFeeds, attended).get(0);
                float[] shortBlock = run(session, shortFeeds, blockOutput).get(0);
                float[] longBlock = run(session, longFeeds, blockOutput).get(0);
                float[] longWithoutMask = run(session, longFeeds, unmasked).get(0);

                assertThat(shapeOf(session, longFeeds, attended)).containsExactly(1, padded, HIDDEN);
                for (int i = 0; i < shortAttention.length; i++) {
                    assertThat(longAttention[i]).isCloseTo(shortAttention[i], within(1e-5f));
                    assertThat(longBlock[i]).isCloseTo(shortBlock[i], within(1e-5f));
                }
                // without the mask the padding is attended to and the real positions change
                double difference = 0;
                for (int i = 0; i < shortAttention.length; i++) {
                    difference += Math.abs(longWithoutMask[i] - shortAttention[i]);
                }
                assertThat(difference).isGreaterThan(1e-2);
            }
        }
    }

    @Test
    void attentionOfOneHeadMatchesAHandComputation() {
        // one head, one batch item, T=2, hidden=2; check softmax(q·kᵀ/√d)·v with the fetched weights
        float[] input = {1f, 0.5f, -1f, 2f};
        try (Graph graph = new Graph()) {
            TestModelScope scope = TestModelScope.create(graph, false, 3);
            Ops tf = scope.tf();
            Operand<TFloat32> x = tf.constant(new float[][][] {{{1f, 0.5f}, {-1f, 2f}}});
            MultiHeadSelfAttention attention = new MultiHeadSelfAttention(scope.child("a"), 2, 1, 0);
            Operand<TFloat32> y = attention.apply(x, tf.constant(new int[][] {{1, 1}}));
            String[] names = {"a/query/kernel", "a/key/kernel", "a/value/kernel", "a/output/kernel"};
            Operand<?>[] fetches = new Operand<?>[names.length + 1];
            for (int i = 0; i < names.length; i++) {
                fetches[i] = scope.variables().get(names[i]);
            }
            fetches[names.length] = y;
            try (Session session = new Session(graph)) {
                var values = run(session, Map.of(), fetches);
                double[][] q = project(input, values.get(0));
                double[][] k = project(input, values.get(1));
                double[][] v = project(input, values.get(2));
                double[][] context = new double[2][2];
                for (int t = 0; t < 2; t++) {
                    double s0 = (q[t][0] * k[0][0] + q[t][1] * k[0][1]) / Math.sqrt(2);
                    double s1 = (q[t][0] * k[1][0] + q[t][1] * k[1][1]) / Math.sqrt(2);
                    double p0 = 1 / (1 + Math.exp(s1 - s0));
                    for (int d = 0; d < 2; d++) {
                        context[t][d] = p0 * v[0][d] + (1 - p0) * v[1][d];
                    }
                }
                float[] out = values.get(4);
                float[] wo = values.get(3);
                for (int t = 0; t < 2; t++) {
                    for (int d = 0; d < 2; d++) {
                        double expected = context[t][0] * wo[d] + context[t][1] * wo[2 + d];
                        assertThat((double) out[t * 2 + d]).isCloseTo(expected, within(1e-5));
                    }
                }
            }
        }
    }

    @Test
    void selfAttentionOnTheRowsGivesWhatAttendGives() {
        // 2 heads of 4 (a scale of 1/2, exact) and 4 heads of 2 (1/sqrt 2, rounded)
        for (int heads : new int[] {2, 4}) {
            int batch = 2;
            int length = 5;
            float[] input = gaussians(11 + heads, batch * length * HIDDEN);
            try (Graph graph = new Graph()) {
                TestModelScope scope = TestModelScope.create(graph, false, 1);
                Ops tf = scope.tf();
                Operand<TFloat32> x = tf.placeholder(TFloat32.class);
                Operand<TInt32> mask = tf.placeholder(TInt32.class);
                MultiHeadAttention attention = new MultiHeadAttention(scope.child("attention"), HIDDEN, heads, 0);
                Operand<TFloat32> bias = AttentionMasks.padding(tf, mask);
                Operand<TFloat32> rows = attention.attendSelf(x, bias);
                Operand<TFloat32> separate = attention.attend(x, attention.keys(x), attention.values(x), bias);
                // biases away from their zero initialisation
                java.util.List<Operand<TFloat32>> assignments = new java.util.ArrayList<>();
                scope.variables().forEach((name, variable) -> {
                    if (name.endsWith("/bias")) {
                        assignments.add(tf.assign(variable, tf.random.randomStandardNormal(
                                tf.constant(new long[] {HIDDEN}), TFloat32.class, RandomStandardNormal.seed(5L))));
                    }
                });
                try (Session session = new Session(graph);
                        TFloat32 xs = floats(input, batch, length, HIDDEN);
                        TInt32 masks = ints(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, batch, length)) {
                    Map<Operand<?>, Tensor> feeds = Map.of(x, xs, mask, masks);
                    run(session, feeds, separate); // the first run initialises the variables
                    assignments.forEach(assignment -> session.runner().addTarget(assignment).run());
                    java.util.List<float[]> outputs = run(session, feeds, rows, separate);
                    assertThat(shapeOf(session, feeds, rows)).containsExactly(batch, length, HIDDEN);
                    for (int i = 0; i < input.length; i++) {
                        assertThat(outputs.get(0)[i]).as("heads %d, element %d", heads, i)
                                .isCloseTo(outputs.get(1)[i], within(1e-5f));
                    }
                }
            }
        }
    }

    @Test
    void theFusableAttentionGivesThePlainOneAndOneDnnMakesItsScoresOneKernel() {
        // 2 heads of 4 (the scale 1/2 is exact either way) and 4 heads of 2 (1/sqrt 2 rounds once more or less)
        for (int heads : new int[] {2, 4}) {
            int batch = 2;
            int length = 5;
            float[] input = gaussians(23 + heads, batch * length * HIDDEN);
            try (Graph graph = new Graph()) {
                TestModelScope scope = TestModelScope.create(graph, false, 1);
                Ops tf = scope.tf();
                Operand<TFloat32> x = tf.placeholder(TFloat32.class);
                Operand<TInt32> mask = tf.placeholder(TInt32.class);
                Operand<TFloat32> bias = AttentionMasks.padding(tf, mask);
                // the same variables, once in each form
                Operand<TFloat32> plain = new MultiHeadAttention(scope.child("attention"), HIDDEN, heads, 0)
                        .attendSelf(x, bias);
                Operand<TFloat32> fused = new MultiHeadAttention(scope.withFusedKernels().child("attention"), HIDDEN,
                        heads, 0).attendSelf(x, bias);
                try (Session session = new Session(graph);
                        TFloat32 xs = floats(input, batch, length, HIDDEN);
                        TInt32 masks = ints(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, batch, length)) {
                    session.initialize();
                    Session.Runner runner = session.runner().feed(x, xs).feed(mask, masks).fetch(plain).fetch(fused)
                            .setOptions(TfTestSupport.PARTITION_GRAPHS);
                    try (org.tensorflow.Result result = runner.runAndFetchMetadata()) {
                        float[] expected = TfTestSupport.copy(result.get(0));
                        float[] actual = TfTestSupport.copy(result.get(1));
                        for (int i = 0; i < input.length; i++) {
                            assertThat(actual[i]).as("heads %d, element %d", heads, i)
                                    .isCloseTo(expected[i], within(1e-5f));
                        }
                        java.util.List<String> ops = TfTestSupport.partitionOps(result);
                        if (dev.trainer4j.tf.internal.TfOneDnn.enabled()) {
                            // the product, its scale and the padding bias in one kernel; the plain form's product stays
                            assertThat(ops).filteredOn("_MklFusedBatchMatMulV2"::equals).hasSize(1);
                            assertThat(ops).noneMatch(op -> op.equals("AddV2") || op.equals("BatchMatMulV2"));
                        }
                    }
                }
            }
        }
    }

    @Test
    void rejectsAHiddenSizeNotDivisibleByTheHeads() {
        try (Graph graph = new Graph()) {
            assertThatThrownBy(() -> new MultiHeadSelfAttention(TestModelScope.create(graph, false, 1), 10, 3, 0))
                    .hasMessageContaining("hidden size 10 must be a positive multiple of the number of heads 3");
        }
    }

    /** {@code count} standard normal floats from {@code seed}. */
    private static float[] gaussians(long seed, int count) {
        Random random = new Random(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** rows of x [2, 2] times a [2, 2] kernel (biases are zero at initialisation). */
    private static double[][] project(float[] x, float[] kernel) {
        double[][] result = new double[2][2];
        for (int t = 0; t < 2; t++) {
            for (int d = 0; d < 2; d++) {
                result[t][d] = x[t * 2] * kernel[d] + x[t * 2 + 1] * kernel[2 + d];
            }
        }
        return result;
    }
}

package dev.trainer4j.tf.nn;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.List;
import java.util.Map;

import static dev.trainer4j.tf.nn.TfTestSupport.floats;
import static dev.trainer4j.tf.nn.TfTestSupport.ints;
import static dev.trainer4j.tf.nn.TfTestSupport.run;
import static dev.trainer4j.tf.nn.TfTestSupport.shapeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LayersTest {

    @Test
    void denseComputesActivationOfAffineMapOverTheLastDimension() {
        float[] input = {0.5f, -1f, 2f, 1.5f, 0f, -0.25f, 3f, 1f, -2f, 0.1f, 0.2f, 0.3f}; // [2, 2, 3]
        try (Graph graph = new Graph()) {
            TestModelScope scope = TestModelScope.create(graph, true, 1);
            Ops tf = scope.tf();
            Operand<TFloat32> x = tf.placeholder(TFloat32.class);
            Dense dense = new Dense(scope.child("dense"), 3, 4, Activation.RELU, TfInitializers.uniform(-1, 1));
            Operand<TFloat32> rank2 = dense.apply(tf.reshape(x, tf.constant(new int[] {-1, 3})));
            Operand<TFloat32> rank3 = dense.apply(x);
            Operand<TFloat32> kernel = scope.variable("dense/kernel", Shape.of(3, 4), TfInitializers.zeros(),
                    VariableRole.WEIGHT);
            Operand<TFloat32> bias = scope.variable("dense/bias", Shape.of(4), TfInitializers.zeros(),
                    VariableRole.BIAS);
            assertThat(scope.variableNames()).containsExactly("dense/kernel", "dense/bias");

            try (Session session = new Session(graph); TFloat32 feed = floats(input, 2, 2, 3)) {
                Map<Operand<?>, Tensor> feeds = Map.of(x, feed);
                List<float[]> values = run(session, feeds, rank2, rank3, kernel, bias);
                float[] k = values.get(2);
                float[] b = values.get(3);
                assertThat(b).containsOnly(0f);
                assertThat(k).isNotEqualTo(new float[k.length]);
                float[] expected = new float[4 * 4];
                for (int row = 0; row < 4; row++) {
                    for (int out = 0; out < 4; out++) {
                        double sum = b[out];
                        for (int in = 0; in < 3; in++) {
                            sum += input[row * 3 + in] * k[in * 4 + out];
                        }
                        expected[row * 4 + out] = (float) Math.max(sum, 0);
                    }
                }
                assertThat(values.get(0)).containsExactly(expected, within(1e-5f));
                assertThat(values.get(1)).containsExactly(expected, within(1e-5f));
                assertThat(shapeOf(session, feeds, rank3)).containsExactly(2, 2, 4);
            }
        }
    }

    @Test
    void activationsMatchTheirDefinitions() {
        float[] input = {-3f, -1f, -0.5f, 0f, 0.5f, 1f, 2.5f};
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Operand<TFloat32> x = tf.constant(input);
            try (Session session = new Session(graph)) {
                List<float[]> values = run(session, Map.of(), Activation.GELU.apply(tf, x),
                        Activation.RELU.apply(tf, x), Activation.TANH.apply(tf, x), Activation.NONE.apply(tf, x),
                        Activation.GELU_NEW.apply(tf, x));
                for (int i = 0; i < input.length; i++) {
                    double v = input[i];
                    assertThat((double) values.get(0)[i]).as("gelu(%s)", v)
                            .isCloseTo(0.5 * v * (1 + erf(v / Math.sqrt(2))), within(1e-6));
                    assertThat(values.get(1)[i]).isEqualTo((float) Math.max(v, 0));
                    assertThat((double) values.get(2)[i]).isCloseTo(Math.tanh(v), within(1e-6));
                    assertThat(values.get(3)[i]).isEqualTo(input[i]);
                    double cubic = Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v);
                    assertThat((double) values.get(4)[i]).as("gelu_new(%s)", v)
                            .isCloseTo(0.5 * v * (1 + Math.tanh(cubic)), within(1e-6));
                }
                // the tanh form is not the erf form: gelu_new(1) = 0.5·(1 + tanh(0.7978846·1.044715)) = 0.8411920
                assertThat((double) values.get(4)[5]).isCloseTo(0.8411920, within(1e-6));
                // a known value: gelu(1) = Φ(1) = 0.8413447460685429
                assertThat((double) values.get(0)[5]).isCloseTo(0.8413447460685429, within(1e-6));
            }
        }
        assertThat(Activation.fromName("activation", "GeLU")).isEqualTo(Activation.GELU);
        assertThat(Activation.fromName("hidden-act", "gelu_new")).isEqualTo(Activation.GELU_NEW);
        assertThatThrownBy(() -> Activation.fromName("activation", "swish"))
                .hasMessage("activation: 'swish' is not allowed; expected one of [none, relu, gelu, gelu_new, tanh]");
    }

    @Test
    void layerNormNormalisesTheLastDimension() {
        float[] input = {1f, 2f, 3f, 4f, -1f, 0f, 0f, 5f, 2f, 2f, 2f, 2f}; // [3, 4], the last row constant
        double epsilon = 1e-3;
        try (Graph graph = new Graph()) {
            TestModelScope scope = TestModelScope.create(graph, true, 1);
            Ops tf = scope.tf();
            Operand<TFloat32> x = tf.constant(Shape.of(3, 4), org.tensorflow.ndarray.buffer.DataBuffers.of(input));
            LayerNorm norm = new LayerNorm(scope.child("norm"), 4, epsilon);
            Operand<TFloat32> y = norm.apply(x);
            assertThat(scope.roles()).containsEntry("norm/gamma", VariableRole.NORM)
                    .containsEntry("norm/beta", VariableRole.NORM);
            try (Session session = new Session(graph)) {
                float[] values = run(session, Map.of(), y).get(0);
                for (int row = 0; row < 3; row++) {
                    double mean = 0;
                    for (int i = 0; i < 4; i++) {
                        mean += input[row * 4 + i] / 4.0;
                    }
                    double variance = 0;
                    for (int i = 0; i < 4; i++) {
                        variance += Math.pow(input[row * 4 + i] - mean, 2) / 4.0;
                    }
                    for (int i = 0; i < 4; i++) {
                        double expected = (input[row * 4 + i] - mean) / Math.sqrt(variance + epsilon);
                        assertThat((double) values[row * 4 + i]).isCloseTo(expected, within(1e-5));
                    }
                }
            }
        }
    }

    @Test
    void theFusableLayerNormGivesTheNormalisationAndOneDnnMakesEachOneKernel() {
        int dimension = 8;
        double epsilon = 1e-5;
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        float[] input = new float[6 * dimension];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) (random.nextDouble(-3, 3) + (i / dimension)); // rows of different means
        }
        float[] gammaValues = new float[dimension];
        float[] betaValues = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            gammaValues[i] = (float) random.nextDouble(0.5, 1.5);
            betaValues[i] = (float) random.nextDouble(-1, 1);
        }
        try (Graph graph = new Graph()) {
            TestModelScope scope = TestModelScope.create(graph, false, 1).withFusedKernels();
            Ops tf = scope.tf();
            Operand<TFloat32> rows = tf.placeholder(TFloat32.class,
                    org.tensorflow.op.core.Placeholder.shape(Shape.of(-1, dimension)));
            LayerNorm norm = new LayerNorm(scope.child("norm"), dimension, epsilon);
            Operand<TFloat32> fromRows = norm.apply(rows);
            // [2, 3, dimension]: the same rows as a batch of sequences
            Operand<TFloat32> fromSequences = norm.apply(tf.reshape(rows, tf.constant(new long[] {2, -1, dimension})));
            try (Session session = new Session(graph); TFloat32 fed = floats(input, 6, dimension)) {
                session.initialize();
                session.runner().addTarget(tf.assign(scope.variables().get("norm/gamma"), tf.constant(gammaValues)))
                        .addTarget(tf.assign(scope.variables().get("norm/beta"), tf.constant(betaValues))).run();
                Session.Runner runner = session.runner().feed(rows, fed).fetch(fromRows).fetch(fromSequences)
                        .setOptions(TfTestSupport.PARTITION_GRAPHS);
                try (org.tensorflow.Result result = runner.runAndFetchMetadata()) {
                    float[] flat = TfTestSupport.copy(result.get(0));
                    float[] sequences = TfTestSupport.copy(result.get(1));
                    for (int row = 0; row < 6; row++) {
                        double mean = 0;
                        for (int i = 0; i < dimension; i++) {
                            mean += input[row * dimension + i] / (double) dimension;
                        }
                        double variance = 0;
                        for (int i = 0; i < dimension; i++) {
                            variance += Math.pow(input[row * dimension + i] - mean, 2) / dimension;
                        }
                        for (int i = 0; i < dimension; i++) {
                            double expected = (input[row * dimension + i] - mean) / Math.sqrt(variance + epsilon)
                                    * gammaValues[i] + betaValues[i];
                            assertThat((double) flat[row * dimension + i]).isCloseTo(expected, within(1e-5));
                            assertThat((double) sequences[row * dimension + i]).isCloseTo(expected, within(1e-5));
                        }
                    }
                    List<String> ops = TfTestSupport.partitionOps(result);
                    if (dev.trainer4j.tf.internal.TfOneDnn.enabled()) {
                        // grappler's remapper matched the Keras form: one kernel per layer norm, nothing of it left
                        assertThat(ops).filteredOn("_MklLayerNorm"::equals).hasSize(2);
                        assertThat(ops).noneMatch(op -> op.contains("BatchNorm") || op.equals("Mean"));
                    }
                }
            }
        }
    }

    @Test
    void embeddingLooksUpRowsAndPositionsAddTheFirstRows() {
        try (Graph graph = new Graph()) {
            TestModelScope scope = TestModelScope.create(graph, true, 1);
            Ops tf = scope.tf();
            Operand<TInt32> ids = tf.placeholder(TInt32.class);
            Embedding embedding = new Embedding(scope.child("word"), 5, 2);
            PositionalEmbedding positions = new PositionalEmbedding(scope.child("position"), 8, 2);
            Operand<TFloat32> words = embedding.apply(ids);
            Operand<TFloat32> summed = positions.apply(words);
            try (Session session = new Session(graph); TInt32 feed = ints(new int[] {4, 0, 2, 1, 1, 3}, 2, 3)) {
                Map<Operand<?>, Tensor> feeds = Map.of(ids, feed);
                List<float[]> values = run(session, feeds, embedding.table(), words, summed,
                        scope.variable("position/embeddings", Shape.of(8, 2), TfInitializers.zeros(),
                                VariableRole.WEIGHT));
                float[] table = values.get(0);
                float[] positionTable = values.get(3);
                int[] idValues = {4, 0, 2, 1, 1, 3};
                for (int token = 0; token < 6; token++) {
                    for (int d = 0; d < 2; d++) {
                        float word = table[idValues[token] * 2 + d];
                        assertThat(values.get(1)[token * 2 + d]).isEqualTo(word);
                        assertThat(values.get(2)[token * 2 + d])
                                .isCloseTo(word + positionTable[(token % 3) * 2 + d], within(1e-7f));
                    }
                }
                assertThat(table).isNotEqualTo(new float[table.length]);
                for (float v : table) {
                    assertThat(Math.abs(v)).isLessThanOrEqualTo(0.04f); // truncated at two standard deviations
                }
            }
        }
    }

    @Test
    void dropoutIsIdentityInEvaluationAndReproducibleWhileTraining() {
        float[] input = new float[1000];
        java.util.Arrays.fill(input, 2f);
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Operand<org.tensorflow.types.TInt64> seed = tf.placeholder(org.tensorflow.types.TInt64.class);
            TestModelScope training = TestModelScope.create(graph, true, seed);
            Operand<TFloat32> x = tf.constant(input);
            Operand<TFloat32> dropped = new Dropout(training.child("dropout"), 0.25).apply(x);
            Operand<TFloat32> other = new Dropout(training.child("dropout_2"), 0.25).apply(x);
            assertThat(new Dropout(training.withTraining(false).child("dropout"), 0.25).apply(x)).isSameAs(x);
            assertThat(new Dropout(training.child("off"), 0).apply(x)).isSameAs(x);

            try (Session session = new Session(graph);
                    org.tensorflow.types.TInt64 seedA = TfTestSupport.longs(new long[] {1, 2}, 2);
                    org.tensorflow.types.TInt64 seedB = TfTestSupport.longs(new long[] {1, 3}, 2)) {
                float[] first = run(session, Map.of(seed, seedA), dropped).get(0);
                float[] again = run(session, Map.of(seed, seedA), dropped).get(0);
                float[] otherSeed = run(session, Map.of(seed, seedB), dropped).get(0);
                float[] otherSite = run(session, Map.of(seed, seedA), other).get(0);

                assertThat(again).containsExactly(first);
                assertThat(otherSeed).isNotEqualTo(first);
                assertThat(otherSite).isNotEqualTo(first);
                int kept = 0;
                for (float v : first) {
                    assertThat(v).isIn(0f, 2f / 0.75f);
                    kept += v == 0f ? 0 : 1;
                }
                assertThat(kept).isBetween(700, 800); // 750 expected, σ ≈ 14
            }
        }
        try (Graph graph = new Graph()) {
            assertThatThrownBy(() -> new Dropout(TestModelScope.create(graph, true, 1), 1.0))
                    .hasMessageContaining("rate 1.0 is not allowed");
        }
    }

    @Test
    void meanSquaredErrorSumsSquaredDifferencesOverTargetElements() {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Operand<TFloat32> predictions = tf.constant(new float[][] {{1f}, {2f}, {-1f}});
            Operand<TFloat32> targets = tf.constant(new float[] {0.5f, 2f, 1f});
            LossSum loss = new MeanSquaredErrorLoss().compute(tf, predictions, targets);
            try (Session session = new Session(graph)) {
                List<float[]> values = run(session, Map.of(), loss.sum(), loss.count());
                assertThat(values.get(0)[0]).isCloseTo(0.25f + 0f + 4f, within(1e-6f));
                assertThat(values.get(1)[0]).isEqualTo(3f);
            }
        }
    }

    /** erf by its Maclaurin series (converges fast for |x| < 3). */
    static double erf(double x) {
        double sum = 0;
        double term = x;
        for (int n = 0; n < 200; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}

package dev.trainer4j.bench.transformer;

import dev.trainer4j.bench.TimedWindow;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The hand-written TF Java 1.1.0 graph loop of the main job's transformer classifier, sharing no code with trainer4j
 * (only TF Java), pinned like {@code PlainTfLoop}: {@code VariableV2} weights read through {@code Identity}, intra-op
 * 2 / inter-op 1, one tower, fresh input tensors and a fresh runner every step, the loss fetched every step, fused
 * {@code ApplyAdam} ordered after all gradients.
 *
 * <p>The model, written the way one would by hand with static shapes [32, 64]: word embeddings by {@code GatherV2}
 * plus the first 64 rows of the position table; the activations kept flat [B*T, H] for every dense layer
 * ({@code MatMul} + {@code BiasAdd}); per pre-LN block {@code x + drop(attention(LN(x)))}, then
 * {@code h + drop(W2 gelu(W1 LN(h)))} with exact (erf) GELU; attention with {@code BatchMatMulV2} on
 * [B, heads, T, head] and an additive -1e9 key padding bias; final LayerNorm ({@code Mean}, {@code SquaredDifference},
 * {@code Rsqrt}); masked mean pooling; dropout; a linear head; the batch mean of {@code SoftmaxCrossEntropyWithLogits}
 * on one-hot labels. Dropout (when the rate is above 0) from stateful {@code RandomUniform}.
 *
 * <p>AdamW as torch computes it, on the fused kernel: kernels and embeddings first decay {@code w *= 1 - lr*wd}
 * (biases and LayerNorm parameters do not), then {@code ApplyAdam} with zero beta powers, the float64 step size
 * {@code lr*sqrt(1-b2^t)/(1-b1^t)} and {@code eps*sqrt(1-b2^t)} (which makes the kernel's epsilon torch's).
 *
 * <p>Initial weights: with {@code --weights-in} the trainer's own (written by {@link TrainerTransformer}), found by
 * the trainer's documented variable names; otherwise drawn here (Glorot uniform kernels, truncated N(0, 0.02)
 * embeddings, zero biases, unit LayerNorm gains), which the timing does not depend on.
 */
public final class PlainTfTransformer {
    static final String NAME = "plain-tf";
    static final double LEARNING_RATE = 1e-3;
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPSILON = 1e-8;
    static final double WEIGHT_DECAY = 0.01;
    static final Set<String> KEYS = Set.of("data", "mode", "warmup", "warmup-seconds", "jit-quiet-seconds", "seconds",
            "dropout", "loss-steps", "weights-in", "intra", "inter", "task");
    private static final int INTRA_OP_THREADS = 2;
    private static final int INTER_OP_THREADS = 1;
    private static final float MASKED_SCORE = -1e9f;

    private final TransformerBenchModel sizes;
    private final float dropout;
    private final Map<String, float[]> initialWeights;
    private final Random random = new Random(42);
    private final List<Variable<TFloat32>> variables = new ArrayList<>();
    private final List<Operand<TFloat32>> reads = new ArrayList<>();
    private final List<Boolean> decays = new ArrayList<>();
    private long parameters;
    private long embeddingParameters;
    private long dropoutSites;
    private Ops tf;
    private Ops init;
    private Operand<TFloat32> wordTable;

    private PlainTfTransformer(TransformerBenchModel sizes, double dropout, Map<String, float[]> initialWeights) {
        this.sizes = sizes;
        this.dropout = (float) dropout;
        this.initialWeights = initialWeights;
    }

    public static void main(String[] commandLine) throws IOException {
        VariantArguments arguments = VariantArguments.parse(NAME, commandLine, KEYS);
        SyntheticText data = SyntheticText.readOrGenerate(arguments.text("data", null));
        String mode = arguments.required("mode");
        boolean timed = switch (mode) {
            case "timed" -> true;
            case "losses" -> false;
            default -> throw new IllegalArgumentException(NAME + ": --mode " + mode + "; expected timed or losses");
        };
        String weightsIn = arguments.text("weights-in", null);
        double dropout = arguments.number("dropout", timed ? TransformerBenchModel.MAIN_JOB_DROPOUT : 0);
        PlainTfTransformer loop = new PlainTfTransformer(TransformerBenchModel.fromName(arguments.text("task", "classifier")), dropout,
                weightsIn == null ? Map.of() : readWeights(Path.of(weightsIn)));
        loop.run(arguments, data, timed);
    }

    private void run(VariantArguments arguments, SyntheticText data, boolean timed) {
        int batch = sizes.batch();
        int length = sizes.length();
        int batches = data.samples() / batch;
        int[][] ids = new int[batches][];
        int[][] mask = new int[batches][];
        int[][] labels = new int[batches][];
        boolean lm = sizes.task() == TransformerBenchModel.Task.CAUSAL_LM;
        int[] allLabels = lm ? data.nextTokenLabels() : data.labels();
        for (int b = 0; b < batches; b++) {
            ids[b] = data.rows(data.ids(), b * batch, batch);
            mask[b] = data.rows(data.mask(), b * batch, batch);
            labels[b] = data.rows(allLabels, b * batch, batch);
        }
        Shape tokens = Shape.of(batch, length);
        Shape rows = lm ? tokens : Shape.of(batch);
        try (Graph graph = new Graph()) {
            tf = Ops.create(graph);
            init = tf.withInitScope();
            Placeholder<TInt32> idsInput = tf.placeholder(TInt32.class, Placeholder.shape(tokens));
            Placeholder<TInt32> maskInput = tf.placeholder(TInt32.class, Placeholder.shape(tokens));
            Placeholder<TInt32> labelsInput = tf.placeholder(TInt32.class, Placeholder.shape(rows));
            Operand<TFloat32>[] sumAndCount = lm ? lmLossSumAndCount(idsInput, maskInput, labelsInput)
                    : classifierLossSumAndCount(idsInput, maskInput, labelsInput);
            Operand<TFloat32> inverseCount = tf.math.div(tf.constant(1f), sumAndCount[1]);
            Operand<TFloat32> loss = tf.math.mul(sumAndCount[0], inverseCount);
            Op train = adamW(graph, sumAndCount[0], inverseCount);
            ConfigProto config = ConfigProto.newBuilder()
                    .setIntraOpParallelismThreads(arguments.integer("intra", INTRA_OP_THREADS))
                    .setInterOpParallelismThreads(arguments.integer("inter", INTER_OP_THREADS))
                    .build();
            try (Session session = new Session(graph, config)) {
                if (timed) {
                    TimedWindow window = new TimedWindow(arguments.integer("warmup", 50),
                            arguments.number("warmup-seconds", 2), arguments.number("jit-quiet-seconds", 2),
                            arguments.number("seconds", 3));
                    for (long step = 0; ; step++) {
                        int b = (int) (step % batches);
                        runStep(session, idsInput, maskInput, labelsInput, train, loss, tokens, rows, ids[b], mask[b], labels[b]);
                        if (window.afterStep(step + 1)) {
                            double samples = window.timedSteps() * (double) batch;
                            new VariantReport().put("variant", NAME).put("task", sizes.shortName())
                                    .put("samples_per_second", samples / window.timedSeconds())
                                    .put("cpu_samples_per_second", samples / window.timedCpuSeconds())
                                    .put("steps", window.timedSteps()).put("seconds", window.timedSeconds())
                                    .put("warmup_seconds", window.warmupSeconds())
                                    .put("warmup_steps", window.warmupStepsDone()).put("dropout", (double) dropout)
                                    .put("parameters", parameters)
                                    .put("non_embedding_parameters", parameters - embeddingParameters)
                                    .print();
                            break;
                        }
                    }
                }
                else {
                    int steps = arguments.integer("loss-steps", 20);
                    for (int step = 0; step < steps; step++) {
                        int b = step % batches;
                        float value = runStep(session, idsInput, maskInput, labelsInput, train, loss, tokens, rows,
                                ids[b], mask[b], labels[b]);
                        System.out.println(VariantReport.lossLine(step + 1, value));
                    }
                }
            }
        }
    }

    /** One step: fresh input tensors, a fresh runner, the loss fetched. */
    private static float runStep(Session session, Placeholder<TInt32> idsInput, Placeholder<TInt32> maskInput,
                                 Placeholder<TInt32> labelsInput, Op train, Operand<TFloat32> loss, Shape tokens,
                                 Shape rows, int[] ids, int[] mask, int[] labels) {
        try (TInt32 idsTensor = TInt32.tensorOf(tokens, DataBuffers.of(ids, true, false));
             TInt32 maskTensor = TInt32.tensorOf(tokens, DataBuffers.of(mask, true, false));
             TInt32 labelsTensor = TInt32.tensorOf(rows, DataBuffers.of(labels, true, false));
             Result result = session.runner().feed(idsInput, idsTensor).feed(maskInput, maskTensor)
                     .feed(labelsInput, labelsTensor).addTarget(train).fetch(loss).run()) {
            return ((TFloat32) result.get(0)).getFloat();
        }
    }

    /** The classifier: embeddings, encoder blocks, final LayerNorm, masked mean pooling, head; {loss sum, items}. */
    @SuppressWarnings("unchecked")
    private Operand<TFloat32>[] classifierLossSumAndCount(Operand<TInt32> ids, Operand<TInt32> mask, Operand<TInt32> labels) {
        long batch = sizes.batch();
        long length = sizes.length();
        long hidden = sizes.hidden();
        Operand<TFloat32> keep = tf.dtypes.cast(mask, TFloat32.class);
        Operand<TFloat32> keyBias = tf.reshape(tf.math.mul(tf.math.sub(tf.constant(1f), keep), tf.constant(MASKED_SCORE)),
                tf.constant(new long[] {batch, 1, 1, length}));
        Operand<TFloat32> x = trunk(ids, keyBias, "encoder/", "attention");
        Operand<TFloat32> states = tf.reshape(x, tf.constant(new long[] {batch, length, hidden}));
        // masked mean over the tokens: sum(states * mask) / max(sum(mask), 1)
        Operand<TFloat32> weights = tf.expandDims(keep, tf.constant(-1));
        Operand<TFloat32> total = tf.reduceSum(tf.math.mul(states, weights), tf.constant(1));
        Operand<TFloat32> count = tf.math.maximum(tf.reduceSum(weights, tf.constant(1), ReduceSum.keepDims(false)),
                tf.constant(1f));
        Operand<TFloat32> pooled = dropout(tf.math.div(total, count));
        Operand<TFloat32> logits = dense("classifier/", pooled, hidden, sizes.labels());
        Operand<TFloat32> targets = tf.oneHot(labels, tf.constant(sizes.labels()), tf.constant(1f), tf.constant(0f));
        Operand<TFloat32> itemLosses = tf.nn.softmaxCrossEntropyWithLogits(logits, targets).loss();
        return new Operand[] {tf.reduceSum(itemLosses, tf.constant(0)), tf.constant((float) batch)};
    }

    /**
     * The causal LM: embeddings, decoder blocks (causal plus padding bias), final LayerNorm, logits through the word
     * table transposed plus a bias; position t predicts label t + 1, labels -100 are not items; {loss sum, items}.
     */
    @SuppressWarnings("unchecked")
    private Operand<TFloat32>[] lmLossSumAndCount(Operand<TInt32> ids, Operand<TInt32> mask, Operand<TInt32> labels) {
        long batch = sizes.batch();
        long length = sizes.length();
        long vocabulary = sizes.vocabulary();
        Operand<TFloat32> keep = tf.dtypes.cast(mask, TFloat32.class);
        Operand<TFloat32> padding = tf.reshape(tf.math.mul(tf.math.sub(tf.constant(1f), keep), tf.constant(MASKED_SCORE)),
                tf.constant(new long[] {batch, 1, 1, length}));
        // query i sees key j when j <= i: -1e9 above the diagonal, built here as a constant [1, 1, T, T]
        float[] causal = new float[(int) (length * length)];
        for (int i = 0; i < length; i++) {
            for (int j = i + 1; j < length; j++) {
                causal[(int) (i * length + j)] = MASKED_SCORE;
            }
        }
        Operand<TFloat32> keyBias = tf.math.add(tf.constant(Shape.of(1, 1, length, length), DataBuffers.of(causal, true, false)),
                padding);
        Operand<TFloat32> x = trunk(ids, keyBias, "decoder/", "self_attention");
        Operand<TFloat32> bias = variable("lm_head/bias", Shape.of(vocabulary), Kind.ZEROS);
        Operand<TFloat32> logits = tf.reshape(tf.nn.biasAdd(tf.linalg.matMul(x, wordTable,
                        org.tensorflow.op.linalg.MatMul.transposeB(true)), bias),
                tf.constant(new long[] {batch, length, vocabulary}));
        // positions 0..T-2 against labels 1..T-1
        Operand<TFloat32> shifted = tf.reshape(tf.slice(logits, tf.constant(new int[] {0, 0, 0}),
                tf.constant(new int[] {(int) batch, (int) length - 1, (int) vocabulary})),
                tf.constant(new long[] {batch * (length - 1), vocabulary}));
        Operand<TInt32> next = tf.reshape(tf.slice(labels, tf.constant(new int[] {0, 1}),
                tf.constant(new int[] {(int) batch, (int) length - 1})), tf.constant(new int[] {-1}));
        Operand<TInt32> present = tf.dtypes.cast(tf.math.notEqual(next, tf.constant(-100)), TInt32.class);
        Operand<TFloat32> items = tf.dtypes.cast(present, TFloat32.class);
        Operand<TFloat32> targets = tf.oneHot(tf.math.mul(next, present), tf.constant((int) vocabulary), tf.constant(1f),
                tf.constant(0f));
        Operand<TFloat32> itemLosses = tf.nn.softmaxCrossEntropyWithLogits(shifted, targets).loss();
        return new Operand[] {tf.reduceSum(tf.math.mul(itemLosses, items), tf.constant(0)),
                tf.reduceSum(items, tf.constant(0))};
    }

    /** Word + position embeddings, dropout and the pre-LN blocks, [B*T, H]; the blocks' names under {@code stack}. */
    private Operand<TFloat32> trunk(Operand<TInt32> ids, Operand<TFloat32> keyBias, String stack, String attentionName) {
        long batch = sizes.batch();
        long length = sizes.length();
        long hidden = sizes.hidden();
        long heads = sizes.heads();
        long head = hidden / heads;
        wordTable = variable("embeddings/word/embeddings", Shape.of(sizes.vocabulary(), hidden), Kind.EMBEDDING);
        Operand<TFloat32> position = variable("embeddings/position/embeddings", Shape.of(sizes.maxPosition(), hidden),
                Kind.EMBEDDING);
        Operand<TFloat32> embedded = tf.math.add(tf.gather(wordTable, ids, tf.constant(0)),
                // int32 begin and size: Slice's gradient in 1.1.0 mixes int32 and int64 otherwise
                tf.slice(position, tf.constant(new int[] {0, 0}), tf.constant(new int[] {(int) length, (int) hidden})));
        // [B*T, H] from here on
        Operand<TFloat32> x = dropout(tf.reshape(embedded, tf.constant(new long[] {batch * length, hidden})));
        Operand<TFloat32> scale = tf.constant((float) (1 / Math.sqrt(head)));
        for (int layer = 0; layer < sizes.layers(); layer++) {
            String prefix = stack + "layer_" + layer + "/";
            Operand<TFloat32> normed = layerNorm(prefix + attentionName + "_norm/", x);
            String attention = prefix + attentionName + "/";
            Operand<TFloat32> q = splitHeads(dense(attention + "query/", normed, hidden, hidden));
            Operand<TFloat32> k = splitHeads(dense(attention + "key/", normed, hidden, hidden));
            Operand<TFloat32> v = splitHeads(dense(attention + "value/", normed, hidden, hidden));
            Operand<TFloat32> scores = tf.math.add(tf.math.mul(batchMatMul(q, k, true), scale), keyBias);
            Operand<TFloat32> probabilities = dropout(tf.nn.softmax(scores));
            Operand<TFloat32> context = tf.reshape(
                    tf.linalg.transpose(batchMatMul(probabilities, v, false), tf.constant(new int[] {0, 2, 1, 3})),
                    tf.constant(new long[] {batch * length, hidden}));
            x = tf.math.add(x, dropout(dense(attention + "output/", context, hidden, hidden)));
            Operand<TFloat32> inner = gelu(dense(prefix + "intermediate/", layerNorm(prefix + "ffn_norm/", x), hidden,
                    sizes.intermediate()));
            x = tf.math.add(x, dropout(dense(prefix + "output/", inner, sizes.intermediate(), hidden)));
        }
        return layerNorm(stack + "final_norm/", x);
    }

    /**
     * Gradients of the loss sum times 1/items (the mean's gradient, as the trainer scales it), then per variable the
     * decoupled decay (weights only) and ApplyAdam; then step + 1.
     */
    private Op adamW(Graph graph, Operand<TFloat32> lossSum, Operand<TFloat32> inverseCount) {
        Output<?>[] xs = reads.stream().map(Operand::asOutput).toArray(Output<?>[]::new);
        Output<?>[] gradients = graph.addGradients("gradients", new Output<?>[] {lossSum.asOutput()}, xs, null);
        List<Op> allGradients = new ArrayList<>();
        for (Output<?> gradient : gradients) {
            @SuppressWarnings("unchecked")
            Output<TFloat32> sum = (Output<TFloat32>) gradient;
            allGradients.add(tf.math.mul(sum, inverseCount));
        }
        Variable<TInt64> step = init.variable(Shape.scalar(), TInt64.class);
        init.assign(step, init.constant(0L));
        Operand<TInt64> stepNumber = tf.math.add(tf.identity(step), tf.constant(1L));
        Operand<TFloat64> t = tf.dtypes.cast(stepNumber, TFloat64.class);
        Operand<TFloat64> one = tf.constant(1.0);
        Operand<TFloat64> biasCorrection1 = tf.math.sub(one, tf.math.pow(tf.constant(BETA1), t));
        Operand<TFloat64> sqrtBiasCorrection2 = tf.math.sqrt(tf.math.sub(one, tf.math.pow(tf.constant(BETA2), t)));
        Operand<TFloat64> lr64 = tf.dtypes.cast(tf.constant((float) LEARNING_RATE), TFloat64.class);
        Operand<TFloat32> stepSize = tf.dtypes.cast(tf.math.div(tf.math.mul(lr64, sqrtBiasCorrection2), biasCorrection1),
                TFloat32.class);
        Operand<TFloat32> epsilon = tf.dtypes.cast(tf.math.mul(tf.constant(EPSILON), sqrtBiasCorrection2), TFloat32.class);
        Operand<TFloat32> decayFactor = tf.dtypes.cast(tf.math.sub(one, tf.math.mul(lr64, tf.constant(WEIGHT_DECAY))),
                TFloat32.class);
        Operand<TFloat32> zeroPower = tf.constant(0f);
        Operand<TFloat32> beta1 = tf.constant((float) BETA1);
        Operand<TFloat32> beta2 = tf.constant((float) BETA2);
        Ops afterGradients = tf.withControlDependencies(allGradients);
        List<Op> updates = new ArrayList<>();
        for (int i = 0; i < variables.size(); i++) {
            Variable<TFloat32> variable = variables.get(i);
            Shape shape = variable.shape();
            Variable<TFloat32> m = init.variable(shape, TFloat32.class);
            init.assign(m, init.zeros(init.constant(shape), TFloat32.class));
            Variable<TFloat32> v = init.variable(shape, TFloat32.class);
            init.assign(v, init.zeros(init.constant(shape), TFloat32.class));
            Ops apply = afterGradients;
            if (decays.get(i)) {
                Op decay = afterGradients.assign(variable, afterGradients.math.mul(reads.get(i), decayFactor));
                apply = tf.withControlDependencies(List.of(decay));
            }
            @SuppressWarnings("unchecked")
            Operand<TFloat32> gradient = (Operand<TFloat32>) allGradients.get(i);
            updates.add(apply.train.applyAdam(variable, m, v, zeroPower, zeroPower, stepSize, beta1, beta2, epsilon, gradient));
        }
        return tf.withControlDependencies(updates).assign(step, stepNumber);
    }

    private enum Kind { KERNEL, EMBEDDING, ZEROS, ONES }

    /** A VariableV2 with its initial value, read through Identity. */
    private Operand<TFloat32> variable(String name, Shape shape, Kind kind) {
        int size = (int) shape.size();
        float[] values = initialWeights.isEmpty() ? draw(shape, kind) : lookUp(name, size);
        Variable<TFloat32> variable = init.variable(shape, TFloat32.class);
        init.assign(variable, init.constant(shape, DataBuffers.of(values, true, false)));
        variables.add(variable);
        Operand<TFloat32> read = tf.identity(variable);
        reads.add(read);
        decays.add(kind == Kind.KERNEL || kind == Kind.EMBEDDING);
        parameters += size;
        if (kind == Kind.EMBEDDING) {
            embeddingParameters += size;
        }
        return read;
    }

    private float[] lookUp(String name, int size) {
        List<Map.Entry<String, float[]>> matches = initialWeights.entrySet().stream()
                .filter(entry -> entry.getKey().equals(name) || entry.getKey().endsWith("/" + name)).toList();
        if (matches.size() != 1 || matches.get(0).getValue().length != size) {
            throw new IllegalStateException("the initial weights have " + matches.size() + " variables named like '"
                    + name + "' (of " + size + " values); they have " + initialWeights.keySet());
        }
        return matches.get(0).getValue();
    }

    private float[] draw(Shape shape, Kind kind) {
        float[] values = new float[(int) shape.size()];
        switch (kind) {
            case KERNEL -> {
                double limit = Math.sqrt(6.0 / (shape.get(0) + shape.get(1)));
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
                }
            }
            case EMBEDDING -> {
                for (int i = 0; i < values.length; i++) {
                    double z;
                    do {
                        z = random.nextGaussian();
                    } while (Math.abs(z) > 2);
                    values[i] = (float) (0.02 * z);
                }
            }
            case ONES -> java.util.Arrays.fill(values, 1f);
            case ZEROS -> {
            }
        }
        return values;
    }

    /** {@code x·kernel + bias} for x [N, in]. */
    private Operand<TFloat32> dense(String prefix, Operand<TFloat32> x, long in, long out) {
        Operand<TFloat32> kernel = variable(prefix + "kernel", Shape.of(in, out), Kind.KERNEL);
        Operand<TFloat32> bias = variable(prefix + "bias", Shape.of(out), Kind.ZEROS);
        return tf.nn.biasAdd(tf.linalg.matMul(x, kernel), bias);
    }

    /** {@code (x - mean) * rsqrt(var + eps) * gamma + beta} over the last axis, biased variance. */
    private Operand<TFloat32> layerNorm(String prefix, Operand<TFloat32> x) {
        long hidden = sizes.hidden();
        Operand<TFloat32> gamma = variable(prefix + "gamma", Shape.of(hidden), Kind.ONES);
        Operand<TFloat32> beta = variable(prefix + "beta", Shape.of(hidden), Kind.ZEROS);
        Operand<TInt32> last = tf.constant(-1);
        Operand<TFloat32> mean = tf.math.mean(x, last, Mean.keepDims(true));
        Operand<TFloat32> variance = tf.math.mean(tf.math.squaredDifference(x, mean), last, Mean.keepDims(true));
        Operand<TFloat32> normalised = tf.math.mul(tf.math.sub(x, mean),
                tf.math.rsqrt(tf.math.add(variance, tf.constant((float) TransformerBenchModel.LAYER_NORM_EPSILON))));
        return tf.math.add(tf.math.mul(normalised, gamma), beta);
    }

    /** The exact GELU, {@code 0.5x(1 + erf(x/sqrt(2)))}. */
    private Operand<TFloat32> gelu(Operand<TFloat32> x) {
        return tf.math.mul(tf.math.mul(x, tf.constant(0.5f)),
                tf.math.add(tf.constant(1f), tf.math.erf(tf.math.mul(x, tf.constant((float) (1 / Math.sqrt(2)))))));
    }

    /** [B*T, H] to [B, heads, T, head]. */
    private Operand<TFloat32> splitHeads(Operand<TFloat32> x) {
        long heads = sizes.heads();
        Operand<TFloat32> split = tf.reshape(x, tf.constant(new long[] {sizes.batch(), sizes.length(), heads,
                sizes.hidden() / heads}));
        return tf.linalg.transpose(split, tf.constant(new int[] {0, 2, 1, 3}));
    }

    private Operand<TFloat32> batchMatMul(Operand<TFloat32> x, Operand<TFloat32> y, boolean transposeY) {
        return tf.scope().opBuilder("BatchMatMulV2", "BatchMatMulV2").addInput(x.asOutput()).addInput(y.asOutput())
                .setAttr("adj_x", false).setAttr("adj_y", transposeY).build().output(0);
    }

    /** Inverted dropout from stateful RandomUniform; the identity at rate 0. */
    private Operand<TFloat32> dropout(Operand<TFloat32> x) {
        if (dropout == 0f) {
            return x;
        }
        dropoutSites++;
        Operand<TFloat32> uniform = tf.random.randomUniform(tf.shape(x), TFloat32.class,
                RandomUniform.seed(42L), RandomUniform.seed2(dropoutSites));
        Operand<TFloat32> kept = tf.dtypes.cast(tf.math.greaterEqual(uniform, tf.constant(dropout)), TFloat32.class);
        return tf.math.mul(x, tf.math.mul(kept, tf.constant(1f / (1f - dropout))));
    }

    /** The file {@link TrainerTransformer} writes: count, then (name, length, floats) per variable. */
    private static Map<String, float[]> readWeights(Path file) throws IOException {
        Map<String, float[]> weights = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                float[] values = new float[in.readInt()];
                for (int j = 0; j < values.length; j++) {
                    values[j] = in.readFloat();
                }
                weights.put(name, values);
            }
        }
        return weights;
    }
}

package dev.trainer4j.bench;

import dev.trainer4j.tf.nn.TfInitializers;
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
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mul;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

import java.util.ArrayList;
import java.util.List;

/**
 * The hand-written TF Java 1.1.0 loop, pinned to the baseline of tensorflow-java-performance.md ({@code TfMlp
 * --variant feed}): VariableV2 weights read through {@code Identity}, fused {@code ApplyAdam} ordered after all
 * gradients, {@code intra_op=2} / {@code inter_op=1}, a session with auto-initialisation, fresh x/y tensors and a
 * fresh runner every step, and the loss fetched every step.
 *
 * <p>For the loss check at the trainer's own settings the loop can split each batch into row slices ("towers", the
 * optional last command-line argument), as the trainer does for small models; the timed baseline keeps one.
 *
 * <p>The math is the trainer's, op for op: initial weights from the trainer's own Glorot initializer and seed
 * ({@code [seed, FNV-1a-64(variable name)]}, zero biases); MatMul + BiasAdd + Relu; the masked cross-entropy
 * (one-hot of the labels with -100 clamped to 0, SoftmaxCrossEntropyWithLogits, times the mask, summed, and the
 * mask summed as the item count); the gradient of the loss sum times {@code 1/count}; and ApplyAdam with zero beta
 * powers, a float64 step size {@code lr*sqrt(1-b2^t)/(1-b1^t)} and {@code eps*sqrt(1-b2^t)}, as
 * {@code TfAdam} builds them.
 */
public final class PlainTfLoop {
    static final String NAME = "plain";
    private static final int INTRA_OP_THREADS = 2;
    private static final int INTER_OP_THREADS = 1;

    private PlainTfLoop() {
    }

    public static void main(String[] commandLine) {
        VariantOptions options = VariantOptions.parse(NAME, commandLine);
        BenchModel model = options.model();
        GaussianBlobs data = GaussianBlobs.generate(BenchModel.SAMPLES, model.inputSize(), model.numLabels(), BenchModel.SEED);
        int batchSize = model.batchSize();
        int batches = data.samples() / batchSize;
        float[][] batchFeatures = new float[batches][];
        int[][] batchLabels = new int[batches][];
        for (int b = 0; b < batches; b++) {
            batchFeatures[b] = data.batchFeatures(b, batchSize);
            batchLabels[b] = data.batchLabels(b, batchSize);
        }
        Shape xShape = Shape.of(batchSize, model.inputSize());
        Shape yShape = Shape.of(batchSize);

        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, model.inputSize())));
            Placeholder<TInt32> y = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));

            // parameters: the trainer's names decide the initializer seeds
            List<Variable<TFloat32>> variables = new ArrayList<>();
            List<Operand<TFloat32>> reads = new ArrayList<>();
            Ops init = tf.withInitScope();
            long width = model.inputSize();
            List<Integer> sizes = new ArrayList<>(model.hiddenSizes());
            sizes.add(model.numLabels());
            for (int layer = 0; layer < sizes.size(); layer++) {
                boolean last = layer == sizes.size() - 1;
                String prefix = last ? "mlp/classifier/" : "mlp/dense_" + layer + "/";
                Shape kernelShape = Shape.of(width, sizes.get(layer));
                Shape biasShape = Shape.of(sizes.get(layer));
                Variable<TFloat32> kernel = init.variable(kernelShape, TFloat32.class);
                init.assign(kernel, TfInitializers.glorotUniform().initialValue(init, kernelShape,
                        init.constant(new long[] {BenchModel.SEED, fnv1a64(prefix + "kernel")})));
                Variable<TFloat32> bias = init.variable(biasShape, TFloat32.class);
                init.assign(bias, init.zeros(init.constant(biasShape), TFloat32.class));
                variables.add(kernel);
                variables.add(bias);
                reads.add(tf.identity(kernel));
                reads.add(tf.identity(bias));
                width = sizes.get(layer);
            }

            // forward and masked cross-entropy (sum and count) of the whole batch, or of each tower's rows
            int towers = Math.max(1, options.towers());
            List<Operand<TFloat32>> towerSums = new ArrayList<>();
            List<Operand<TFloat32>> towerCounts = new ArrayList<>();
            if (towers == 1) {
                Operand<TFloat32>[] sumAndCount = lossSumAndCount(tf, x, y, reads, model.numLabels());
                towerSums.add(sumAndCount[0]);
                towerCounts.add(sumAndCount[1]);
            }
            else {
                // rows [n*t/towers, n*(t+1)/towers) to tower t, as the trainer splits them
                Operand<TInt32> rows = tf.gather(tf.shape(x, TInt32.class), tf.constant(0), tf.constant(0));
                List<Operand<TInt32>> towerSizes = new ArrayList<>();
                Operand<TInt32> begin = tf.constant(0);
                for (int t = 0; t < towers; t++) {
                    Operand<TInt32> end = t == towers - 1 ? rows
                            : tf.math.floorDiv(tf.math.mul(rows, tf.constant(t + 1)), tf.constant(towers));
                    towerSizes.add(tf.math.sub(end, begin));
                    begin = end;
                }
                Operand<TInt32> sizeSplits = tf.stack(towerSizes);
                List<Output<TFloat32>> xs = tf.splitV(x, sizeSplits, tf.constant(0), (long) towers).output();
                List<Output<TInt32>> ys = tf.splitV(y, sizeSplits, tf.constant(0), (long) towers).output();
                for (int t = 0; t < towers; t++) {
                    Operand<TFloat32>[] sumAndCount = lossSumAndCount(tf, xs.get(t), ys.get(t), reads, model.numLabels());
                    towerSums.add(sumAndCount[0]);
                    towerCounts.add(sumAndCount[1]);
                }
            }
            Operand<TFloat32> lossSum = towers == 1 ? towerSums.get(0) : tf.math.addN(towerSums);
            Operand<TFloat32> count = towers == 1 ? towerCounts.get(0) : tf.math.addN(towerCounts);
            Operand<TFloat32> inverseCount = tf.math.div(tf.constant(1f), count);
            Operand<TFloat32> loss = tf.math.mul(lossSum, inverseCount);

            // gradients of the loss sum, scaled by 1/count
            Output<?>[] xs = reads.stream().map(Operand::asOutput).toArray(Output<?>[]::new);
            Output<?>[] sums = graph.addGradients("gradients", new Output<?>[] {lossSum.asOutput()}, xs, null);
            List<Op> allGradients = new ArrayList<>();
            List<Operand<TFloat32>> gradients = new ArrayList<>();
            for (Output<?> sum : sums) {
                @SuppressWarnings("unchecked")
                Output<TFloat32> gradientSum = (Output<TFloat32>) sum;
                Mul<TFloat32> gradient = tf.math.mul(gradientSum, inverseCount);
                gradients.add(gradient);
                allGradients.add(gradient);
            }

            // Adam: bias corrections in float64 from a step counter, folded into the kernel's step size
            Variable<TInt64> step = init.variable(Shape.scalar(), TInt64.class);
            init.assign(step, init.constant(0L));
            Operand<TInt64> stepNumber = tf.math.add(tf.identity(step), tf.constant(1L));
            Operand<TFloat64> t = tf.dtypes.cast(stepNumber, TFloat64.class);
            Operand<TFloat64> one = tf.constant(1.0);
            Operand<TFloat64> biasCorrection1 = tf.math.sub(one, tf.math.pow(tf.constant(BenchModel.BETA1), t));
            Operand<TFloat64> sqrtBiasCorrection2 = tf.math.sqrt(tf.math.sub(one, tf.math.pow(tf.constant(BenchModel.BETA2), t)));
            Operand<TFloat64> lr64 = tf.dtypes.cast(tf.constant((float) BenchModel.LEARNING_RATE), TFloat64.class);
            Operand<TFloat32> stepSize = tf.dtypes.cast(
                    tf.math.div(tf.math.mul(lr64, sqrtBiasCorrection2), biasCorrection1), TFloat32.class);
            Operand<TFloat32> epsilon = tf.dtypes.cast(
                    tf.math.mul(tf.constant(BenchModel.EPSILON), sqrtBiasCorrection2), TFloat32.class);
            Operand<TFloat32> zeroPower = tf.constant(0f);
            Operand<TFloat32> beta1 = tf.constant((float) BenchModel.BETA1);
            Operand<TFloat32> beta2 = tf.constant((float) BenchModel.BETA2);
            Ops afterGradients = tf.withControlDependencies(allGradients);
            List<Op> updates = new ArrayList<>();
            for (int i = 0; i < variables.size(); i++) {
                Variable<TFloat32> variable = variables.get(i);
                Shape shape = variable.shape();
                Variable<TFloat32> m = init.variable(shape, TFloat32.class);
                init.assign(m, init.zeros(init.constant(shape), TFloat32.class));
                Variable<TFloat32> v = init.variable(shape, TFloat32.class);
                init.assign(v, init.zeros(init.constant(shape), TFloat32.class));
                updates.add(afterGradients.train.applyAdam(variable, m, v, zeroPower, zeroPower, stepSize, beta1, beta2,
                        epsilon, gradients.get(i)));
            }
            Op train = tf.withControlDependencies(updates).assign(step, stepNumber);

            ConfigProto config = ConfigProto.newBuilder()
                    .setIntraOpParallelismThreads(options.intraOpThreads() != 0 ? options.intraOpThreads() : INTRA_OP_THREADS)
                    .setInterOpParallelismThreads(options.interOpThreads() != 0 ? options.interOpThreads() : INTER_OP_THREADS)
                    .build();
            try (Session session = new Session(graph, config)) {
                if (options.timed()) {
                    TimedWindow window = new TimedWindow(options);
                    for (long s = 0; ; s++) {
                        int b = (int) (s % batches);
                        runStep(session, x, y, train, loss, xShape, yShape, batchFeatures[b], batchLabels[b]);
                        if (window.afterStep(s + 1)) {
                            System.out.println(window.resultLine(NAME, model));
                            break;
                        }
                    }
                }
                else {
                    for (int s = 0; s < options.lossSteps(); s++) {
                        int b = s % batches;
                        float value = runStep(session, x, y, train, loss, xShape, yShape, batchFeatures[b], batchLabels[b]);
                        System.out.println(VariantOptions.lossLine(NAME, s + 1, value));
                    }
                }
            }
        }
    }

    /**
     * MatMul + BiasAdd (+ Relu) through the layers, then the masked cross-entropy of the trainer's
     * {@code CrossEntropyLoss}: {sum of item losses, item count}.
     */
    @SuppressWarnings("unchecked")
    private static Operand<TFloat32>[] lossSumAndCount(Ops tf, Operand<TFloat32> x, Operand<TInt32> y,
                                                       List<Operand<TFloat32>> reads, int numLabels) {
        Operand<TFloat32> hidden = x;
        int layers = reads.size() / 2;
        for (int layer = 0; layer < layers; layer++) {
            Operand<TFloat32> linear = tf.nn.biasAdd(tf.linalg.matMul(hidden, reads.get(2 * layer)), reads.get(2 * layer + 1));
            hidden = layer == layers - 1 ? linear : tf.nn.relu(linear);
        }
        Operand<TInt32> present = tf.dtypes.cast(tf.math.notEqual(y, tf.constant(-100)), TInt32.class);
        Operand<TFloat32> mask = tf.dtypes.cast(present, TFloat32.class);
        Operand<TInt32> safeLabels = tf.math.mul(y, present);
        Operand<TFloat32> targets = tf.oneHot(safeLabels, tf.constant(numLabels), tf.constant(1f), tf.constant(0f));
        Operand<TFloat32> itemLosses = tf.nn.softmaxCrossEntropyWithLogits(hidden, targets).loss();
        return new Operand[] {tf.sum(tf.math.mul(itemLosses, mask), tf.constant(0)), tf.sum(mask, tf.constant(0))};
    }

    /** One baseline step: fresh tensors, a fresh runner, the loss fetched. */
    private static float runStep(Session session, Placeholder<TFloat32> x, Placeholder<TInt32> y, Op train,
                                 Operand<TFloat32> loss, Shape xShape, Shape yShape, float[] features, int[] labels) {
        try (TFloat32 xTensor = TFloat32.tensorOf(xShape, DataBuffers.of(features, true, false));
             TInt32 yTensor = TInt32.tensorOf(yShape, DataBuffers.of(labels, true, false));
             Result result = session.runner().feed(x, xTensor).feed(y, yTensor).addTarget(train).fetch(loss).run()) {
            return ((TFloat32) result.get(0)).getFloat();
        }
    }

    /**
     * The 64-bit FNV-1a hash of a variable name's UTF-8 bytes: the second word of the engine's documented initializer
     * seed ({@code [seed, FNV-1a-64(name)]}), written out here so that this baseline shares no code with the engine.
     */
    private static long fnv1a64(String name) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}

package dev.trainer4j.tf.internal;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.TrainingArguments;

/**
 * How a training step uses the machine's cores: the session's thread pools and the number of towers the training
 * batch is split into. Explicit {@code intra-op-threads}/{@code inter-op-threads}/{@code train-towers} win; 0 means
 * "choose by the step's cost", measured from the model's graph ({@link TfStepCost}: the FLOPs of its products at a
 * training batch's shapes, sequence positions included, and its parameters):
 * <ul>
 *   <li><b>Towers</b> (row-independent models): one per core, each with at least {@value #MIN_TOWER_FLOPS} FLOPs of
 *       training work, at most one per row of the batch, and while the towers' extra gradient copies (4 bytes per
 *       parameter each) stay within {@value #GRADIENT_COPY_BYTES} bytes (about 8M parameters for two towers). Each
 *       tower runs its kernels on its own core and the towers run side by side (inter = towers, intra = cores /
 *       towers). Measured on 2 cores: two towers beat one tower on two intra-op threads on the main job's
 *       transformer, its causal LM (1.27x: a 4000-word head, the rest small kernels), the 64-256-256-10 MLP and
 *       the 784-1024-1024-10 MLP at batch 256 (1.04x; 1.86M parameters), and giving each tower two intra-op
 *       threads was slower on the LM and that MLP (0.83-0.84x); but a MiniLM-sized BERT (22.7M parameters, 1.3e11
 *       FLOPs a step) trained 0.58x as fast on two one-thread towers as on one two-thread tower (two towers of two
 *       threads each: 0.97x). Why is not known; the bound keeps such models on one tower. A cost counted per
 *       position (an engine compiled without a training batch, e.g. to evaluate) is a lower bound and does not
 *       limit the towers by work.</li>
 *   <li><b>One tower</b>: below {@value #SINGLE_THREAD_FLOPS} FLOPs a step (the 8x8-digits MLP: two towers
 *       trained it 16% slower) the kernels run on the caller's thread (intra 1, inter -1, 1.7-2.2x faster than TF's
 *       defaults on small models); a larger step (a model too large for a gradient copy per core, or one whose rows
 *       are coupled) gets every core for each kernel (intra = cores, inter 1).</li>
 * </ul>
 * Towers change the float summation order of the batch reductions (weight and bias gradients), so, like the
 * intra-op count, they are part of what makes a run bit-reproducible: pin them to compare runs across machines.
 * The pool sizes take effect per session only when {@code TF_OVERRIDE_GLOBAL_THREADPOOL=true} is set in the
 * environment before TensorFlow loads; without it the first session's pools are shared by the whole process.
 *
 * @param towers into how many row slices each training batch is split (1: no split)
 * @param reason how the values were chosen, for the log line
 */
public record TfThreadSettings(int intraOp, int interOp, int towers, String reason) {
    /** Below this a one-tower step runs on the caller's thread (about 1 ms of one core). */
    public static final double SINGLE_THREAD_FLOPS = 1e8;
    /** The most memory the towers' extra gradient copies may take (one copy of every parameter per extra tower). */
    public static final long GRADIENT_COPY_BYTES = 32L << 20;
    /** The least training work a tower chosen by cost gets (about 0.1 ms of one core's GEMM). */
    public static final double MIN_TOWER_FLOPS = 1e7;

    public TfThreadSettings {
        if (towers < 1) {
            throw new IllegalArgumentException("towers must be >= 1, got " + towers);
        }
    }

    /**
     * @param rowCoupling why the training batch must stay whole (e.g. the model does not declare its rows
     *        independent), or null when it may be split into row slices; when given, towers by cost are 1 and
     *        explicit towers above 1 are refused with this reason
     */
    public static TfThreadSettings choose(TrainingArguments args, TfStepCost cost, int cores, String rowCoupling) {
        return choose(args, cost, cores, rowCoupling, 1);
    }

    /**
     * As {@link #choose(TrainingArguments, TfStepCost, int, String)}, for replicas mirrored over {@code devices} devices:
     * with more than one, there is one tower per device (or {@code train-towers}, a multiple of the device count,
     * taking the devices in turn), whatever the step's cost.
     */
    public static TfThreadSettings choose(TrainingArguments args, TfStepCost cost, int cores, String rowCoupling,
                                          int devices) {
        java.util.Objects.requireNonNull(cost, "cost is null");
        if (devices > 1) {
            if (rowCoupling != null) {
                throw new ConfigurationException(TrainingArguments.DEVICES.key(), "devices = " + args.devices()
                        + " mirrors the model over " + devices + " devices, each on a row slice of the batch, but "
                        + rowCoupling + "; set devices = 1");
            }
            if (args.trainTowers() > 0 && args.trainTowers() % devices != 0) {
                throw new ConfigurationException(TrainingArguments.TRAIN_TOWERS.key(), "train-towers = "
                        + args.trainTowers() + " is not a multiple of the " + devices + " devices; set train-towers = 0"
                        + " (one tower per device) or a multiple of " + devices);
            }
            int towers = args.trainTowers() > 0 ? args.trainTowers() : devices;
            int intra = args.intraOpThreads() > 0 ? args.intraOpThreads() : Math.max(1, cores / towers);
            int inter = args.interOpThreads() != 0 ? args.interOpThreads() : towers;
            return new TfThreadSettings(intra, inter, towers, (args.intraOpThreads() > 0 ? "intra-op from args"
                    : "intra-op by cost") + ", " + (args.interOpThreads() != 0 ? "inter-op from args" : "inter-op = towers")
                    + ", " + towers + " towers mirrored over " + devices + " devices");
        }
        int batch = args.perDeviceTrainBatchSize();
        double flops = cost.trainingFlops();
        boolean rowIndependent = rowCoupling == null;
        if (args.trainTowers() > 1 && !rowIndependent) {
            throw new IllegalArgumentException("train-towers = " + args.trainTowers() + " splits each training batch"
                    + " into row slices, but " + rowCoupling + "; set train-towers = 1 (or 0)");
        }
        if (args.fullDeterminism()) {
            // HF's full_determinism: nothing chosen by the machine's cores or the step's cost
            int towers = args.trainTowers() > 0 ? Math.min(args.trainTowers(), Math.max(1, batch)) : 1;
            return new TfThreadSettings(args.intraOpThreads() > 0 ? args.intraOpThreads() : 1,
                    args.interOpThreads() != 0 ? args.interOpThreads() : (towers > 1 ? towers : -1), towers,
                    "full-determinism: towers, intra-op and inter-op fixed unless given");
        }
        // a per-position cost (an engine compiled without a training batch, e.g. to evaluate) is a lower bound:
        // it does not show a step too small to split, so only the cores, the batch and the memory bound the towers
        int byWork = cost.perPosition() ? Integer.MAX_VALUE
                : (int) Math.min(Integer.MAX_VALUE, Math.floor(flops / MIN_TOWER_FLOPS));
        long copyBytes = 4L * cost.parameterCount();
        int byMemory = copyBytes == 0 ? Integer.MAX_VALUE
                : (int) Math.min(Integer.MAX_VALUE, 1 + GRADIENT_COPY_BYTES / copyBytes);
        int towers = args.trainTowers() > 0 ? Math.min(args.trainTowers(), Math.max(1, batch))
                : rowIndependent ? Math.max(1, Math.min(Math.min(cores, batch), Math.min(byWork, byMemory))) : 1;
        boolean callerThread = towers == 1 && flops < SINGLE_THREAD_FLOPS && !cost.perPosition();
        int intra = args.intraOpThreads() > 0 ? args.intraOpThreads()
                : callerThread ? 1 : Math.max(1, cores / towers);
        int inter = args.interOpThreads() != 0 ? args.interOpThreads()
                : towers > 1 ? towers : intra == 1 ? -1 : 1;
        String limit = args.trainTowers() > 0 || !rowIndependent || towers == cores ? ""
                : towers == batch ? " (one per row)" : towers == byWork ? " (bounded by the work per tower)"
                : towers == byMemory ? " (bounded by the gradient copies' memory)" : "";
        String sizing = cost.describe() + ", " + cost.parameterCount() + " parameters";
        String reason = (args.intraOpThreads() > 0 ? "intra-op from args" : "intra-op by cost")
                + ", " + (args.interOpThreads() != 0 ? "inter-op from args" : "inter-op by cost")
                + ", " + (args.trainTowers() > 0 ? "towers from args" + (towers < args.trainTowers()
                        ? " (" + args.trainTowers() + " bounded by the batch of " + batch + " rows)" : "")
                        : rowIndependent ? "towers by cost" + limit : "one tower: " + rowCoupling)
                + "; " + sizing;
        return new TfThreadSettings(intra, inter, towers, reason);
    }

    public boolean overrideGlobalThreadPoolSet() {
        return "true".equalsIgnoreCase(System.getenv("TF_OVERRIDE_GLOBAL_THREADPOOL"));
    }
}

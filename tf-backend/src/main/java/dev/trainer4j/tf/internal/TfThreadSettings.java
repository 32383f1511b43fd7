package dev.trainer4j.tf.internal;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.TrainingArguments;

/**
 * How a training step uses the machine's cores: the session's thread pools and the number of towers the training
 * batch is split into. Explicit {@code intra-op-threads}/{@code inter-op-threads}/{@code train-towers} win; 0 means
 * "choose by model size" from the estimated training FLOPs per step, 6 x parameters x per-device batch size:
 * <ul>
 *   <li>below {@value #SMALL_STEP_FLOPS} FLOPs (overhead-bound): intra 1, and one tower per core, capped by the
 *       batch size and by {@value #MIN_TOWER_FLOPS} FLOPs of work per tower. Splitting a small GEMM over threads
 *       costs more than it saves, so each tower runs its kernels on one thread and the towers run side by side
 *       (inter = towers). A tiny step gains nothing from towers (the 8x8-digits MLP, 3e6 FLOPs a step, trained 16%
 *       slower with two); with one tower the kernels run on the caller's thread (inter -1, 1.7-2.2x faster than
 *       TF's defaults on small models).</li>
 *   <li>otherwise (GEMM-bound): intra = available cores, inter 1, one tower.</li>
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
    /** The boundary between overhead-bound and compute-bound steps (about 5 ms of one core). */
    public static final double SMALL_STEP_FLOPS = 1e9;
    /** The least work a tower chosen by size gets (about 0.2 ms of one core's GEMM). */
    public static final double MIN_TOWER_FLOPS = 1e7;

    public TfThreadSettings {
        if (towers < 1) {
            throw new IllegalArgumentException("towers must be >= 1, got " + towers);
        }
    }

    /**
     * @param rowCoupling why the training batch must stay whole (e.g. the model does not declare its rows
     *        independent), or null when it may be split into row slices; when given, towers by size are 1 and
     *        explicit towers above 1 are refused with this reason
     */
    public static TfThreadSettings choose(TrainingArguments args, long parameterCount, int cores, String rowCoupling) {
        return choose(args, parameterCount, cores, rowCoupling, 1);
    }

    /**
     * As {@link #choose(TrainingArguments, long, int, String)}, for replicas mirrored over {@code devices} devices:
     * with more than one, there is one tower per device (or {@code train-towers}, a multiple of the device count,
     * taking the devices in turn), whatever the model size.
     */
    public static TfThreadSettings choose(TrainingArguments args, long parameterCount, int cores, String rowCoupling,
                                          int devices) {
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
            double flops = 6.0 * parameterCount * args.perDeviceTrainBatchSize();
            boolean small = flops < SMALL_STEP_FLOPS;
            int intra = args.intraOpThreads() > 0 ? args.intraOpThreads() : (small ? 1 : Math.max(1, cores));
            int inter = args.interOpThreads() != 0 ? args.interOpThreads() : towers;
            return new TfThreadSettings(intra, inter, towers, (args.intraOpThreads() > 0 ? "intra-op from args"
                    : "intra-op by size") + ", " + (args.interOpThreads() != 0 ? "inter-op from args" : "inter-op = towers")
                    + ", " + towers + " towers mirrored over " + devices + " devices");
        }
        int batch = args.perDeviceTrainBatchSize();
        double flops = 6.0 * parameterCount * batch;
        boolean small = flops < SMALL_STEP_FLOPS;
        boolean rowIndependent = rowCoupling == null;
        if (args.trainTowers() > 1 && !rowIndependent) {
            throw new IllegalArgumentException("train-towers = " + args.trainTowers() + " splits each training batch"
                    + " into row slices, but " + rowCoupling + "; set train-towers = 1 (or 0)");
        }
        int byWork = (int) Math.min(Integer.MAX_VALUE, Math.floor(flops / MIN_TOWER_FLOPS));
        int towers = args.trainTowers() > 0 ? Math.min(args.trainTowers(), Math.max(1, batch))
                : small && rowIndependent ? Math.max(1, Math.min(Math.min(cores, batch), byWork)) : 1;
        int intra = args.intraOpThreads() > 0 ? args.intraOpThreads() : (small ? 1 : Math.max(1, cores));
        int inter = args.interOpThreads() != 0 ? args.interOpThreads() : (towers > 1 ? towers : small ? -1 : 1);
        String sizing = String.format("%.3g FLOPs/step estimated from %d parameters x batch %d: %s",
                flops, parameterCount, batch, small ? "small model" : "large model");
        String reason = (args.intraOpThreads() > 0 ? "intra-op from args" : "intra-op by size")
                + ", " + (args.interOpThreads() != 0 ? "inter-op from args" : "inter-op by size")
                + ", " + (args.trainTowers() > 0 ? "towers from args" + (towers < args.trainTowers()
                        ? " (" + args.trainTowers() + " bounded by the batch of " + batch + " rows)" : "")
                        : rowIndependent ? "towers by size" : "one tower: " + rowCoupling)
                + "; " + sizing;
        return new TfThreadSettings(intra, inter, towers, reason);
    }

    public boolean overrideGlobalThreadPoolSet() {
        return "true".equalsIgnoreCase(System.getenv("TF_OVERRIDE_GLOBAL_THREADPOOL"));
    }
}

package dev.trainer4j.tf.internal;

import dev.trainer4j.api.TrainingArguments;

/**
 * The session's thread pools. Explicit {@code intra-op-threads}/{@code inter-op-threads} win; 0 means "choose by
 * model size" from the estimated training FLOPs per step, 6 x parameters x per-device batch size:
 * <ul>
 *   <li>below {@value #SMALL_STEP_FLOPS} FLOPs (overhead-bound): intra 1, inter -1 (kernels run on the caller's
 *       thread; 1.7-2.2x faster than TF's defaults on small models);</li>
 *   <li>otherwise (GEMM-bound): intra = available cores, inter 1.</li>
 * </ul>
 * The values take effect per session only when {@code TF_OVERRIDE_GLOBAL_THREADPOOL=true} is set in the environment
 * before TensorFlow loads; without it the first session's pools are shared by the whole process.
 *
 * @param reason how the values were chosen, for the log line
 */
public record TfThreadSettings(int intraOp, int interOp, String reason) {
    /** The boundary between overhead-bound and compute-bound steps (about 5 ms of one core). */
    public static final double SMALL_STEP_FLOPS = 1e9;

    public static TfThreadSettings choose(TrainingArguments args, long parameterCount, int cores) {
        double flops = 6.0 * parameterCount * args.perDeviceTrainBatchSize();
        boolean small = flops < SMALL_STEP_FLOPS;
        int intra = args.intraOpThreads() > 0 ? args.intraOpThreads() : (small ? 1 : Math.max(1, cores));
        int inter = args.interOpThreads() != 0 ? args.interOpThreads() : (small ? -1 : 1);
        String sizing = String.format("%.3g FLOPs/step estimated from %d parameters x batch %d: %s",
                flops, parameterCount, args.perDeviceTrainBatchSize(), small ? "small model" : "large model");
        String reason = (args.intraOpThreads() > 0 ? "intra-op from args" : "intra-op by size")
                + ", " + (args.interOpThreads() != 0 ? "inter-op from args" : "inter-op by size") + "; " + sizing;
        return new TfThreadSettings(intra, inter, reason);
    }

    public boolean overrideGlobalThreadPoolSet() {
        return "true".equalsIgnoreCase(System.getenv("TF_OVERRIDE_GLOBAL_THREADPOOL"));
    }
}

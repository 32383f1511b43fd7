package dev.trainer4j.bench;

/**
 * What one variant JVM runs, from its command line: {@code <model> timed <warmup-steps> <warmup-seconds>
 * <jit-quiet-seconds> <seconds> [<intra> <inter> [<towers>]]} or
 * {@code <model> losses <steps> [<intra> <inter> [<towers>]]}.
 *
 * @param jitQuietSeconds the warm-up also lasts until the JIT compiled nothing for this long (0: no such wait)
 * @param lossSteps for the loss run: the number of steps whose losses are printed; 0 for a timed run
 * @param intraOpThreads the intra-op threads to use instead of the variant's own choice, or 0
 * @param interOpThreads the inter-op threads to use instead of the variant's own choice, or 0
 * @param towers the row slices a training batch is split into instead of the variant's own choice, or 0
 */
record VariantOptions(BenchModel model, boolean timed, int warmupSteps, double warmupSeconds, double jitQuietSeconds,
                      double seconds, int lossSteps, int intraOpThreads, int interOpThreads, int towers) {

    static VariantOptions parse(String variant, String[] args) {
        String usage = "usage: " + variant + " <mlp-small|mlp-large> timed <warmup-steps> <warmup-seconds> <jit-quiet-seconds>"
                + " <seconds> [<intra> <inter> [<towers>]] | <model> losses <steps> [<intra> <inter> [<towers>]]";
        if (args.length < 3) {
            throw new IllegalArgumentException(usage);
        }
        BenchModel model = BenchModel.fromName(args[0]);
        boolean timed = args[1].equals("timed");
        if (!timed && !args[1].equals("losses")) {
            throw new IllegalArgumentException(usage);
        }
        int fixed = timed ? 6 : 3;
        if (args.length != fixed && args.length != fixed + 2 && args.length != fixed + 3) {
            throw new IllegalArgumentException(usage);
        }
        int intra = args.length > fixed ? Integer.parseInt(args[fixed]) : 0;
        int inter = args.length > fixed ? Integer.parseInt(args[fixed + 1]) : 0;
        int towers = args.length > fixed + 2 ? Integer.parseInt(args[fixed + 2]) : 0;
        return timed
                ? new VariantOptions(model, true, Integer.parseInt(args[2]), Double.parseDouble(args[3]),
                        Double.parseDouble(args[4]), Double.parseDouble(args[5]), 0, intra, inter, towers)
                : new VariantOptions(model, false, 0, 0, 0, 0, Integer.parseInt(args[2]), intra, inter, towers);
    }

    /**
     * The line the runner parses from a timed run: samples per wall-clock second, steps, seconds, samples per
     * CPU-second of the whole process (all its threads), which a busy shared machine disturbs less, and the warm-up's
     * seconds and steps.
     */
    static String resultLine(String variant, BenchModel model, long steps, long nanos, long cpuNanos, double warmupSeconds,
                             long warmupSteps) {
        double seconds = nanos / 1e9;
        double samples = steps * (double) model.batchSize();
        return String.format(java.util.Locale.ROOT, "RESULT %s %s %.1f %d %.3f %.1f %.1f %d", variant,
                model.configName(), samples / seconds, steps, seconds, samples / (cpuNanos / 1e9), warmupSeconds,
                warmupSteps);
    }

    /** The CPU time of this process so far (every thread, TF's included), in nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The line the runner parses from a loss run: 1-based step and the float bits of the mean batch loss. */
    static String lossLine(String variant, long step, float loss) {
        return String.format(java.util.Locale.ROOT, "LOSS %s %d %08x %.9g", variant, step, Float.floatToRawIntBits(loss), loss);
    }
}

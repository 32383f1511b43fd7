package dev.trainer4j.bench;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

import java.util.Locale;

/**
 * The machine's fp32 GEMM speed through TF Java: a 2048x2048x2048 {@code MatMul} of two variables, repeated for a
 * given time with the given intra-op threads (inter-op 1). It says what kind of machine a bench run was on (the
 * reference machine reached 360 GFLOP/s with 2 threads; a run's ratios only compare within one machine). Usage:
 * {@code <intra-op-threads> <seconds>}; prints {@code GEMM <threads> <GFLOP/s>}.
 */
public final class GemmPeak {
    private static final long SIZE = 2048;

    private GemmPeak() {
    }

    public static void main(String[] commandLine) {
        int threads = Integer.parseInt(commandLine[0]);
        double seconds = Double.parseDouble(commandLine[1]);
        System.out.printf(Locale.ROOT, "GEMM %d %.1f%n", threads, gigaflops(threads, seconds));
    }

    /** The fp32 GFLOP/s of the 2048^3 MatMul with {@code threads} intra-op threads, timed for {@code seconds}. */
    static double gigaflops(int threads, double seconds) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Ops init = tf.withInitScope();
            Variable<TFloat32> a = init.variable(init.random.randomStandardNormal(init.constant(new long[] {SIZE, SIZE}), TFloat32.class));
            Variable<TFloat32> b = init.variable(init.random.randomStandardNormal(init.constant(new long[] {SIZE, SIZE}), TFloat32.class));
            // fetch one element, so the measured time is the product, not a copy of it
            Operand<TFloat32> corner = tf.slice(tf.linalg.matMul(tf.identity(a), tf.identity(b)),
                    tf.constant(new long[] {0, 0}), tf.constant(new long[] {1, 1}));
            ConfigProto config = ConfigProto.newBuilder().setIntraOpParallelismThreads(threads)
                    .setInterOpParallelismThreads(1).build();
            try (Session session = new Session(graph, config)) {
                double perRun = secondsPerRun(session.runner().fetch(corner), 3, seconds, 1);
                return 2.0 * SIZE * SIZE * SIZE / perRun / 1e9;
            }
        }
    }

    /**
     * The mean wall time of one run of {@code runner}, after {@code warmupRuns} untimed runs, over at least
     * {@code seconds} and {@code minRuns} runs.
     */
    static double secondsPerRun(Session.Runner runner, int warmupRuns, double seconds, int minRuns) {
        for (int i = 0; i < warmupRuns; i++) {
            try (Result ignored = runner.run()) {
                // warm-up
            }
        }
        long runs = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            try (Result ignored = runner.run()) {
                runs++;
            }
            elapsed = System.nanoTime() - start;
        } while (elapsed < seconds * 1e9 || runs < minRuns);
        return elapsed / 1e9 / runs;
    }
}

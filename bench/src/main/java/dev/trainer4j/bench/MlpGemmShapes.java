package dev.trainer4j.bench;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The GEMM speed at a training step's own shapes: every {@code MatMul} of an MLP step (forward {@code x·W}, the
 * weight gradients {@code xT·dy} and the input gradients {@code dy·WT}, the first layer's input gradient excluded:
 * nothing needs it), each timed alone as a MatMul of two variables with the given intra-op threads (inter-op 1).
 * Prints one {@code SHAPE} line per product and a {@code GEMMSTEP} line: the summed FLOPs, the summed time (the
 * step's ideal time if it did nothing but its GEMMs at these speeds) and their GFLOP/s. Usage:
 * {@code <mlp-small|mlp-large> <intra-op-threads> <seconds per shape>}.
 */
public final class MlpGemmShapes {
    private MlpGemmShapes() {
    }

    /** One product {@code [m, k] x [k, n]} with the operands as MatMul sees them. */
    record Product(String role, long m, long k, long n, boolean transposeA, boolean transposeB) {
        double flops() {
            return 2.0 * m * k * n;
        }
    }

    /** The MatMuls of one training step of {@code model}, forward and backward. */
    static List<Product> products(BenchModel model) {
        List<Long> widths = new ArrayList<>();
        widths.add((long) model.inputSize());
        model.hiddenSizes().forEach(size -> widths.add((long) size));
        widths.add((long) model.numLabels());
        long batch = model.batchSize();
        List<Product> products = new ArrayList<>();
        for (int layer = 0; layer + 1 < widths.size(); layer++) {
            long in = widths.get(layer);
            long out = widths.get(layer + 1);
            products.add(new Product("forward " + layer, batch, in, out, false, false));
            products.add(new Product("weight gradient " + layer, in, batch, out, true, false));
            if (layer > 0) {
                products.add(new Product("input gradient " + layer, batch, out, in, false, true));
            }
        }
        return products;
    }

    public static void main(String[] commandLine) {
        BenchModel model = BenchModel.fromName(commandLine[0]);
        int threads = Integer.parseInt(commandLine[1]);
        double seconds = Double.parseDouble(commandLine[2]);
        double totalFlops = 0;
        double totalSeconds = 0;
        for (Product product : products(model)) {
            double perRun = secondsPerRun(product, threads, seconds);
            totalFlops += product.flops();
            totalSeconds += perRun;
            System.out.printf(Locale.ROOT, "SHAPE %s [%d,%d]x[%d,%d]%s %.1f us %.1f GFLOP/s%n", product.role().replace(' ', '-'),
                    product.m(), product.k(), product.k(), product.n(),
                    product.transposeA() ? "(A transposed)" : product.transposeB() ? "(B transposed)" : "",
                    perRun * 1e6, product.flops() / perRun / 1e9);
        }
        System.out.printf(Locale.ROOT, "GEMMSTEP %s %.0f %.6f %.1f%n", model.configName(), totalFlops, totalSeconds,
                totalFlops / totalSeconds / 1e9);
    }

    /** The seconds of one {@code MatMul} of {@code product}'s shape, timed for about {@code seconds}. */
    private static double secondsPerRun(Product product, int threads, double seconds) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Ops init = tf.withInitScope();
            long[] aShape = product.transposeA() ? new long[] {product.k(), product.m()} : new long[] {product.m(), product.k()};
            long[] bShape = product.transposeB() ? new long[] {product.n(), product.k()} : new long[] {product.k(), product.n()};
            Variable<TFloat32> a = init.variable(init.random.randomStandardNormal(init.constant(aShape), TFloat32.class));
            Variable<TFloat32> b = init.variable(init.random.randomStandardNormal(init.constant(bShape), TFloat32.class));
            Operand<TFloat32> product32 = tf.linalg.matMul(tf.identity(a), tf.identity(b),
                    MatMul.transposeA(product.transposeA()), MatMul.transposeB(product.transposeB()));
            // the product as a target, nothing fetched: the time of the kernel, not of a copy
            ConfigProto config = ConfigProto.newBuilder().setIntraOpParallelismThreads(threads)
                    .setInterOpParallelismThreads(1).build();
            try (Session session = new Session(graph, config)) {
                return GemmPeak.secondsPerRun(session.runner().addTarget(product32), 20, seconds, 20);
            }
        }
    }
}

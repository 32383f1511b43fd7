package dev.trainer4j.tf.internal;

import dev.trainer4j.tf.nn.Dropout;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The host-made random bits of a training pass ({@link TfHostRandomBits}, {@link TfRandomBitsFeeder}): the generator
 * against SplitMix64's reference, and dropout masks in a graph against the stream the feeder documents.
 */
class TfHostRandomBitsTest {
    private static final long GAMMA = 0x9E3779B97F4A7C15L;

    @Test
    void theGeneratorIsSplitMix64() throws IOException {
        // splitmix64-reference.txt: src/test/python/splitmix64_reference.py, a port of Vigna's splitmix64.c
        String reference;
        try (InputStream in = getClass().getResourceAsStream("/random/splitmix64-reference.txt")) {
            reference = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> lines = reference.lines().filter(line -> !line.isBlank()).toList();
        assertThat(lines).hasSize(3);
        for (String line : lines) {
            long[] numbers = Arrays.stream(line.trim().split(" ")).mapToLong(Long::parseLong).toArray();
            long[] words = new long[7];
            TfRandomBitsFeeder.fill(words, 1, 5, numbers[0]);
            assertThat(Arrays.copyOfRange(words, 1, 6)).as("from state %d", numbers[0])
                    .containsExactly(Arrays.copyOfRange(numbers, 1, 6));
            assertThat(words[0]).as("nothing before the offset").isZero();
            assertThat(words[6]).as("nothing past the count").isZero();
        }
    }

    @Test
    void dropoutMasksAreTheDocumentedStreamOfEachSite() {
        // 3 x 5 = 15 elements (not a multiple of 4 halves a word) and 2 x 64 x 33 = 4224 elements
        float[][] first = masks(7, 11, 0, new long[] {3, 5}, new long[] {2, 64, 33});
        float scale = 1f / (1f - 0.25f);
        float[] expectedSmall = expectedMask(7, 11, 0, "small/dropout#0", 15, 0.25);
        float[] expectedLarge = expectedMask(7, 11, 0, "large/dropout#0", 2 * 64 * 33, 0.25);
        for (int i = 0; i < expectedSmall.length; i++) {
            assertThat(first[0][i]).as("small site, element %d", i).isEqualTo(expectedSmall[i] * scale);
        }
        for (int i = 0; i < expectedLarge.length; i++) {
            assertThat(first[1][i]).as("large site, element %d", i).isEqualTo(expectedLarge[i] * scale);
        }
        double dropped = 0;
        for (float value : first[1]) {
            dropped += value == 0f ? 1 : 0;
        }
        // 4224 Bernoulli(0.25) draws: standard deviation sqrt(0.25 * 0.75 / 4224) = 0.0067
        assertThat(dropped / first[1].length).isCloseTo(0.25, within(4 * 0.0067));

        assertThat(masks(7, 11, 0, new long[] {3, 5}, new long[] {2, 64, 33}))
                .as("a fresh graph and feeder at the same (seed, step)").isDeepEqualTo(first);
        assertThat(masks(7, 12, 0, new long[] {3, 5}, new long[] {2, 64, 33})[1]).as("the next step")
                .isNotEqualTo(first[1]);
        assertThat(masks(7, 11, 1, new long[] {3, 5}, new long[] {2, 64, 33})[1]).as("the next micro-step")
                .isNotEqualTo(first[1]);
    }

    @Test
    void aFirstRunAtNewShapesMakesTheHostsWordsInTheGraph() {
        try (Graph graph = new Graph()) {
            Site sites = sites(graph);
            try (TfRandomBitsFeeder feeder = new TfRandomBitsFeeder(sites.bits().layout().orElseThrow());
                 Session session = new Session(graph)) {
                float[][] inGraph = run(session, feeder, sites, 9, 4, 2, new long[] {3, 5}, new long[] {2, 64, 33});
                assertThat(feeder.learning()).as("the run laid the shapes out").isFalse();
                float[][] fromHost = run(session, feeder, sites, 9, 4, 2, new long[] {3, 5}, new long[] {2, 64, 33});
                assertThat(fromHost).as("the same step's words from the host").isDeepEqualTo(inGraph);
                float scale = 1f / (1f - 0.25f);
                float[] expected = expectedMask(9, 4, 2, "large/dropout#0", 2 * 64 * 33, 0.25);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(inGraph[1][i]).as("element %d made in the graph", i).isEqualTo(expected[i] * scale);
                }
            }
        }
    }

    @Test
    void aPoolOfManyChunksMadeOnSeveralThreadsHasTheDocumentedWords() {
        // 2 x 480 x 320 = 307,200 elements: 76,800 words, past one chunk (4,096 words) and the size from which the
        // feeder makes a pool on helper threads (65,536 words)
        long[] largeShape = {2, 480, 320};
        int largeElements = 2 * 480 * 320;
        try (Graph graph = new Graph()) {
            Site sites = sites(graph);
            try (TfRandomBitsFeeder feeder = new TfRandomBitsFeeder(sites.bits().layout().orElseThrow());
                 Session session = new Session(graph)) {
                run(session, feeder, sites, 3, 8, 1, new long[] {3, 5}, largeShape);
                assertThat(feeder.learning()).isFalse();
                float[][] fromHost = run(session, feeder, sites, 3, 8, 1, new long[] {3, 5}, largeShape);
                float scale = 1f / (1f - 0.25f);
                float[] expected = expectedMask(3, 8, 1, "large/dropout#0", largeElements, 0.25);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(fromHost[1][i]).as("element %d made on the host", i).isEqualTo(expected[i] * scale);
                }
                float[] expectedSmall = expectedMask(3, 8, 1, "small/dropout#0", 15, 0.25);
                for (int i = 0; i < expectedSmall.length; i++) {
                    assertThat(fromHost[0][i]).as("small site, element %d", i).isEqualTo(expectedSmall[i] * scale);
                }
            }
        }
    }

    @Test
    void newBatchShapesAreSizedOnceAndKeepEverySitesOwnStream() {
        Graph graph = new Graph();
        try (graph) {
            Site sites = sites(graph);
            TfRandomBitsFeeder feeder = new TfRandomBitsFeeder(sites.bits().layout().orElseThrow());
            try (feeder; Session session = new Session(graph)) {
                float[][] small = run(session, feeder, sites, 5, 3, new long[] {3, 5}, new long[] {2, 64, 33});
                float[][] other = run(session, feeder, sites, 5, 3, new long[] {4, 2}, new long[] {1, 8, 9});
                float[][] again = run(session, feeder, sites, 5, 3, new long[] {3, 5}, new long[] {2, 64, 33});
                assertThat(again).as("the first shapes again").isDeepEqualTo(small);
                float scale = 1f / (1f - 0.25f);
                float[] expected = expectedMask(5, 3, 0, "large/dropout#0", 72, 0.25);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(other[1][i]).as("element %d at the new shape", i).isEqualTo(expected[i] * scale);
                }
                float[] expectedSmall = expectedMask(5, 3, 0, "small/dropout#0", 8, 0.25);
                for (int i = 0; i < expectedSmall.length; i++) {
                    assertThat(other[0][i]).isEqualTo(expectedSmall[i] * scale);
                }
            }
        }
    }

    /** The masks (dropout of ones) of the two sites of a fresh graph at the given shapes. */
    private static float[][] masks(long seed, long step, long micro, long[] smallShape, long[] largeShape) {
        try (Graph graph = new Graph()) {
            Site sites = sites(graph);
            try (TfRandomBitsFeeder feeder = new TfRandomBitsFeeder(sites.bits().layout().orElseThrow());
                 Session session = new Session(graph)) {
                return run(session, feeder, sites, seed, step, micro, smallShape, largeShape);
            }
        }
    }

    private record Site(TfHostRandomBits bits, Placeholder<TFloat32> small,
                        Placeholder<TFloat32> large, Operand<TFloat32> smallOut, Operand<TFloat32> largeOut) {
    }

    /** Two dropout sites (rate 0.25) of a training scope with host bits, on placeholders of open shapes. */
    private static Site sites(Graph graph) {
        Ops tf = Ops.create(graph);
        TfVariableStore store = new TfVariableStore(graph, tf, 1);
        Operand<TInt64> key = tf.constant(new long[] {0, 0, 0});
        TfHostRandomBits bits = new TfHostRandomBits(tf.withSubScope("trainer4j"));
        TfBuildScope scope = new TfBuildScope(tf, true, store, key, 0, 0, TfDeviceMap.NONE, null, bits);
        Placeholder<TFloat32> small = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1)));
        Placeholder<TFloat32> large = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1)));
        Operand<TFloat32> smallOut = new Dropout(scope.child("small").child("dropout"), 0.25).apply(small);
        Operand<TFloat32> largeOut = new Dropout(scope.child("large").child("dropout"), 0.25).apply(large);
        return new Site(bits, small, large, smallOut, largeOut);
    }

    private static float[][] run(Session session, TfRandomBitsFeeder feeder, Site sites, long seed, long step,
                                 long[] smallShape, long[] largeShape) {
        return run(session, feeder, sites, seed, step, 0, smallShape, largeShape);
    }

    private static float[][] run(Session session, TfRandomBitsFeeder feeder, Site sites, long seed, long step, long micro,
                                 long[] smallShape, long[] largeShape) {
        try (TFloat32 small = ones(smallShape); TFloat32 large = ones(largeShape)) {
            TInt64 pool = feeder.pool(new Tensor[] {small, large}, 2, seed, step, micro);
            try (Result result = session.runner().feed(sites.small(), small).feed(sites.large(), large)
                    .feed(feeder.placeholder(), pool).feed(feeder.offsetsPlaceholder(), feeder.offsets())
                    .feed(feeder.statesPlaceholder(), feeder.states())
                    .fetch(sites.smallOut()).fetch(sites.largeOut()).fetch(feeder.words()).run()) {
                if (feeder.learning()) {
                    feeder.learn((TInt64) result.get(2));
                }
                return new float[][] {values((TFloat32) result.get(0)), values((TFloat32) result.get(1))};
            }
        }
    }

    private static TFloat32 ones(long[] shape) {
        TFloat32 tensor = TFloat32.tensorOf(Shape.of(shape));
        float[] values = new float[Math.toIntExact(tensor.size())];
        Arrays.fill(values, 1f);
        tensor.copyFrom(DataBuffers.of(values, true, false));
        return tensor;
    }

    private static float[] values(TFloat32 tensor) {
        float[] values = new float[Math.toIntExact(tensor.size())];
        tensor.copyTo(DataBuffers.of(values, false, false));
        return values;
    }

    /**
     * The keep mask (1 kept, 0 dropped) of a site as TfRandomBitsFeeder documents it, derived here from SplitMix64's
     * definition: the site's state is mix64(stepKey ^ FNV-1a(site name)), stepKey = mix64(seed·γ + step·2^20 + micro);
     * its words are the SplitMix64 outputs from that state, each word's four 16-bit halves taken low half first
     * (little-endian); an element is dropped when its half is below round(rate · 2^16).
     */
    private static float[] expectedMask(long seed, long step, long micro, String site, int count, double rate) {
        long stepKey = mix64(seed * GAMMA + step * (1L << 20) + micro);
        long state = mix64(stepKey ^ StableHash.of(site));
        int threshold = (int) Math.round(rate * 65536);
        float[] keep = new float[count];
        for (int i = 0; i < count; i += 4) {
            state += GAMMA;
            long word = mix64(state);
            for (int half = 0; half < 4 && i + half < count; half++) {
                int uniform = (int) (word >>> (16 * half)) & 0xFFFF;
                keep[i + half] = uniform >= threshold ? 1f : 0f;
            }
        }
        return keep;
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

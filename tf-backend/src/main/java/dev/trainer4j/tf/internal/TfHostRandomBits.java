package dev.trainer4j.tf.internal;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.SwitchCond;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint16;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The training pass's random bits, made on the host: one fed int64 pool ({@code trainer4j/random_bits}) holds every
 * random site's words for the step, each site's at its own offset (fed too, {@code trainer4j/random_bits_offsets}),
 * four 16-bit uniforms a word; each site's start state is fed as well ({@code trainer4j/random_bits_states}).
 * TensorFlow's Philox kernel made about 6 ns a 32-bit word on one thread; {@link TfRandomBitsFeeder} makes a 64-bit
 * word in about 1 ns.
 *
 * <p>A site's words are the SplitMix64 sequence from a state fixed by the (seed, global step, micro-step) and the site's
 * name (its scope path, the count of earlier requests on that path, and the tower), as
 * {@link TfBuildScope#randomSeed()} is: the masks do not depend on other sites' sizes, and a gradient-checkpointed layer
 * rebuilt in the backward pass gets its forward pass's words back (the same name). Offsets are multiples of
 * {@link #ALIGNMENT} words, so a site's slice of the pool needs no copy.
 *
 * <p>The sites' sizes follow from the shapes of the fed batch, which only a run of the graph knows. A batch of shapes
 * the host has not seen is fed an empty pool: every site then makes the same words in the graph (integer ops, behind
 * a {@code Switch} on the pool's size, dead while the pool is fed), and the run returns the sites' word counts
 * ({@link Layout#words()}, fetched with every step) for the host to lay out the next batch of those shapes.
 */
public final class TfHostRandomBits {
    /** Word alignment of a site's offset: 8 int64 words, 64 bytes. */
    public static final int ALIGNMENT = 8;
    /** SplitMix64's increment (the golden ratio's fraction, odd). */
    static final long GAMMA = 0x9E3779B97F4A7C15L;
    /** 16-bit uniforms per int64 word. */
    private static final long HALVES_PER_WORD = 4;

    private final Ops ops;
    private final Placeholder<TInt64> pool;
    private final Placeholder<TInt64> offsets;
    private final Placeholder<TInt64> states;
    private final Operand<TBool> fed;
    private final Map<String, Site> sites = new HashMap<>();
    private final List<Site> order = new ArrayList<>();

    private record Site(long hash, Operand<TInt64> offset, Operand<TInt64> state, Operand<TInt64> words) {
    }

    /**
     * The layout of a built training pass: the sites' word counts ([sites] int64, named
     * {@code trainer4j/random_bits/words}) and each site's stream key, in pool order.
     */
    public record Layout(Placeholder<TInt64> pool, Placeholder<TInt64> offsets, Placeholder<TInt64> states,
                         Operand<TInt64> words, List<Long> siteHashes) {
        public Layout {
            requireNonNull(pool, "pool is null");
            requireNonNull(offsets, "offsets is null");
            requireNonNull(states, "states is null");
            requireNonNull(words, "words is null");
            siteHashes = List.copyOf(siteHashes);
        }
    }

    /** @param engine the engine's ops ({@code trainer4j}); the pool and its bookkeeping go under {@code random_bits} */
    public TfHostRandomBits(Ops engine) {
        requireNonNull(engine, "engine is null");
        this.ops = engine.withSubScope("random_bits");
        this.pool = engine.withName("random_bits").placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
        this.offsets = engine.withName("random_bits_offsets").placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
        this.states = engine.withName("random_bits_states").placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
        this.fed = ops.math.greater(ops.size(pool, TInt64.class), ops.constant(0L));
    }

    /**
     * Uniform 16-bit integers in the shape of {@code like} for the site {@code site} (its stream name), built with
     * {@code siteOps}; a site asked for again (a recomputed layer) gets the same words.
     */
    public Operand<TUint16> halves(Ops siteOps, String site, Operand<?> like) {
        requireNonNull(siteOps, "siteOps is null");
        requireNonNull(site, "site is null");
        requireNonNull(like, "like is null");
        Operand<TInt64> count = siteOps.reshape(siteOps.size(like, TInt64.class), siteOps.constant(new long[] {1}));
        Operand<TInt64> words = siteOps.math.floorDiv(siteOps.math.add(count, siteOps.constant(HALVES_PER_WORD - 1)),
                siteOps.constant(HALVES_PER_WORD));
        Site known = sites.get(site);
        if (known == null) {
            // the offset is fed (the host lays the sites out): one computed here would make every site wait for the
            // sizes of the sites before it, and so a tower's forward pass for the tower before it
            Operand<TInt64> offset = ops.slice(offsets, ops.constant(new long[] {order.size()}), ops.constant(new long[] {1}));
            Operand<TInt64> state = ops.reshape(ops.slice(states, ops.constant(new long[] {order.size()}),
                    ops.constant(new long[] {1})), ops.constant(new long[0]));
            known = new Site(StableHash.of(site), offset, state, words);
            sites.put(site, known);
            order.add(known);
        }
        // fed: the site's words from the pool
        SwitchCond<TInt64> poolBranch = siteOps.switchCond(pool, fed);
        Operand<TUint16> taken = siteOps.bitcast(siteOps.slice(poolBranch.outputTrue(), known.offset(), words),
                TUint16.class);
        // not fed (a batch shape the host has not seen): the same words, made here
        Operand<TInt64> wordsToMake = siteOps.reshape(siteOps.switchCond(words, fed).outputFalse(),
                siteOps.constant(new long[0]));
        Operand<TInt64> index = siteOps.range(siteOps.constant(1L), siteOps.math.add(wordsToMake, siteOps.constant(1L)),
                siteOps.constant(1L));
        Operand<TUint16> made = siteOps.bitcast(mix64(siteOps, siteOps.math.add(known.state(),
                siteOps.math.mul(index, siteOps.constant(GAMMA)))), TUint16.class);
        Operand<TUint16> halves = siteOps.reshape(siteOps.merge(List.of(taken, made)).output(),
                siteOps.constant(new long[] {-1}));
        return siteOps.stopGradient(siteOps.reshape(siteOps.slice(halves, siteOps.constant(new long[] {0}), count),
                siteOps.shape(like, TInt64.class)));
    }

    /** SplitMix64's output function in int64 ops (products wrap; the right shifts are made logical by a mask). */
    private static Operand<TInt64> mix64(Ops tf, Operand<TInt64> z) {
        z = tf.math.mul(tf.bitwise.bitwiseXor(z, shiftRight(tf, z, 30)), tf.constant(0xBF58476D1CE4E5B9L));
        z = tf.math.mul(tf.bitwise.bitwiseXor(z, shiftRight(tf, z, 27)), tf.constant(0x94D049BB133111EBL));
        return tf.bitwise.bitwiseXor(z, shiftRight(tf, z, 31));
    }

    private static Operand<TInt64> shiftRight(Ops tf, Operand<TInt64> z, int bits) {
        return tf.bitwise.bitwiseAnd(tf.bitwise.rightShift(z, tf.constant((long) bits)), tf.constant(-1L >>> bits));
    }

    /** The layout after the training pass is built; empty when no site asked for bits. */
    public Optional<Layout> layout() {
        if (order.isEmpty()) {
            return Optional.empty();
        }
        List<Operand<TInt64>> words = new ArrayList<>();
        List<Long> hashes = new ArrayList<>();
        for (Site site : order) {
            words.add(site.words());
            hashes.add(site.hash());
        }
        Operand<TInt64> counts = words.size() == 1 ? ops.withName("words").identity(words.get(0))
                : ops.withName("words").concat(words, ops.constant(0));
        return Optional.of(new Layout(pool, offsets, states, counts, hashes));
    }
}

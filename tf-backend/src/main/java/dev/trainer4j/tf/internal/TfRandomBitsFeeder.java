package dev.trainer4j.tf.internal;

import org.tensorflow.Operand;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.LongDataBuffer;
import org.tensorflow.types.TInt64;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static java.util.Objects.requireNonNull;

/**
 * Fills the pool of {@link TfHostRandomBits} for each training run: every site's words are the SplitMix64 sequence
 * (Steele, Lea and Flood 2014; Vigna's {@code splitmix64.c}, the generator of {@code java.util.SplittableRandom})
 * started at a state fixed by the (seed, global step, micro-step) and the site's name, so a step's masks are the
 * same in a fresh process resumed there. The sites' word counts of a batch shape come from the first run at that shape
 * (fed an empty pool, the graph makes the same words) and are kept; one pool tensor per size is reused, the least
 * recently used closed beyond a few. Not thread-safe.
 */
public final class TfRandomBitsFeeder implements AutoCloseable {
    private static final long GAMMA = TfHostRandomBits.GAMMA;
    private static final long MICRO_STEP_SPAN = TfBuildScope.MICRO_STEP_SPAN;
    private static final int SHAPES_KEPT = 256;
    private static final int POOLS_KEPT = 8;
    /** Pools at least this large are made on several threads. */
    private static final long PARALLEL_WORDS = 1 << 16;
    /** Words made in a cache-resident array before one bulk write into the pool tensor. */
    private static final int CHUNK_WORDS = 4096;

    private final TfHostRandomBits.Layout layout;
    private final long[] siteHashes;
    private final Map<List<Shape>, Counts> countsByShapes = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Long, Pool> pools = new LinkedHashMap<>(16, 0.75f, true);
    private final TInt64 empty = TInt64.tensorOf(Shape.of(0));
    /** Offsets fed with the empty pool (the graph slices nothing then). */
    private final TInt64 noOffsets;
    /** Each site's start state at the last step asked for, fed with every pool. */
    private final TInt64 states;
    private final long[] stateValues;
    /** The shapes of the last run fed an empty pool, until {@link #learn} lays them out; else null. */
    private List<Shape> learning;
    private final int parts = Math.min(4, Runtime.getRuntime().availableProcessors());
    /** One chunk array per part (the calling thread's is the first). */
    private final long[][] chunks = new long[parts][CHUNK_WORDS];
    /** {@code parts - 1} daemon threads, made for the first large pool. */
    private ExecutorService helpers;
    private long evictions;
    /** The inputs of the last call and their counts: the usual step (same input tensors) skips the shape key. */
    private Tensor[] lastInputs;
    private Counts lastCounts;

    /** A pool tensor and its memory, which the words are written to. */
    private record Pool(TInt64 tensor, LongDataBuffer memory) {
    }

    /** Each site's word count and aligned offset for one batch shape, and the pool's size. */
    private record Counts(long[] words, long[] offsets, long total, TInt64 offsetsTensor) {
    }

    public TfRandomBitsFeeder(TfHostRandomBits.Layout layout) {
        this.layout = requireNonNull(layout, "layout is null");
        this.siteHashes = layout.siteHashes().stream().mapToLong(Long::longValue).toArray();
        this.noOffsets = TInt64.tensorOf(Shape.of(siteHashes.length));
        this.states = TInt64.tensorOf(Shape.of(siteHashes.length));
        this.stateValues = new long[siteHashes.length];
    }

    /** The states placeholder {@link #states} tensors go to. */
    public Operand<TInt64> statesPlaceholder() {
        return layout.states();
    }

    /** Each site's start state for the step {@link #pool} was last asked for (valid until the next call). */
    public TInt64 states() {
        return states;
    }

    /** The pool placeholder {@link #pool} tensors go to. */
    public Operand<TInt64> placeholder() {
        return layout.pool();
    }

    /** The offsets placeholder {@link #offsets} tensors go to. */
    public Operand<TInt64> offsetsPlaceholder() {
        return layout.offsets();
    }

    /** The fetch that returns the sites' word counts ([sites] int64): every training run fetches it last. */
    public Operand<TInt64> words() {
        return layout.words();
    }

    /**
     * The pool for a training run on the first {@code inputCount} of {@code inputs} at the given step, owned by this
     * feeder and valid until the next call; feed {@link #offsets()} with it. When these input shapes were not seen,
     * the pool is empty (the graph makes the words) and {@link #learning()} is true until {@link #learn} is given the
     * run's word counts.
     */
    public TInt64 pool(Tensor[] inputs, int inputCount, long seed, long globalStep, long microStep) {
        long stepKey = mix64(seed * GAMMA + globalStep * MICRO_STEP_SPAN + microStep);
        for (int site = 0; site < siteHashes.length; site++) {
            stateValues[site] = mix64(stepKey ^ siteHashes[site]);
        }
        states.copyFrom(DataBuffers.of(stateValues, true, false));
        Counts counts = counts(inputs, inputCount);
        if (counts == null) {
            return empty;
        }
        Pool pool = pools.get(counts.total());
        if (pool == null) {
            TInt64 tensor = TInt64.tensorOf(Shape.of(counts.total()));
            pool = new Pool(tensor, tensor.asRawTensor().data().asLongs());
            pools.put(counts.total(), pool);
            if (pools.size() > POOLS_KEPT) {
                Iterator<Pool> eldest = pools.values().iterator();
                eldest.next().tensor().close();
                eldest.remove();
                evictions++;
            }
        }
        fillSites(pool.memory(), counts);
        return pool.tensor();
    }

    /** The sites' offsets to feed with the pool {@link #pool} returned last (valid until the next call). */
    public TInt64 offsets() {
        return learning != null ? noOffsets : lastCounts.offsetsTensor();
    }

    /** Whether the last pool was empty, so the run's word counts ({@link #words()}) must be given to {@link #learn}. */
    public boolean learning() {
        return learning != null;
    }

    /** Lays out the shapes of the last run fed an empty pool from the word counts that run fetched. */
    public void learn(TInt64 fetched) {
        requireNonNull(fetched, "fetched is null");
        if (learning == null) {
            return;
        }
        long[] words = new long[Math.toIntExact(fetched.size())];
        fetched.copyTo(DataBuffers.of(words, false, false));
        if (words.length != siteHashes.length) {
            throw new IllegalStateException("the training pass has " + siteHashes.length + " random sites but reported "
                    + words.length + " word counts");
        }
        long[] offsets = new long[words.length];
        long total = 0;
        for (int site = 0; site < words.length; site++) {
            offsets[site] = total;
            total += (words[site] + TfHostRandomBits.ALIGNMENT - 1) / TfHostRandomBits.ALIGNMENT * TfHostRandomBits.ALIGNMENT;
        }
        countsByShapes.put(learning, new Counts(words, offsets, total, TInt64.vectorOf(offsets)));
        if (countsByShapes.size() > SHAPES_KEPT) {
            Iterator<Counts> eldest = countsByShapes.values().iterator();
            eldest.next().offsetsTensor().close();
            eldest.remove();
            evictions++;
        }
        learning = null;
        lastInputs = null;
        lastCounts = null;
    }

    /**
     * Writes every site's words into the pool tensor. A large pool is made in contiguous runs of sites of about
     * equal size, one on the calling thread and the others on helper threads (TensorFlow is idle between two runs:
     * the main job's 426,000 words a step took 1.2 ms on one thread).
     */
    private void fillSites(LongDataBuffer memory, Counts counts) {
        int sites = siteHashes.length;
        if (parts < 2 || sites < 2 || counts.total() < PARALLEL_WORDS) {
            fillSites(memory, counts, 0, sites, chunks[0]);
            return;
        }
        int[] bounds = new int[parts + 1];
        int site = 0;
        long done = 0;
        for (int part = 1; part < parts; part++) {
            while (site < sites && done < counts.total() * part / parts) {
                done += counts.words()[site++];
            }
            bounds[part] = site;
        }
        bounds[parts] = sites;
        if (helpers == null) {
            helpers = Executors.newFixedThreadPool(parts - 1, runnable -> {
                Thread thread = new Thread(runnable, "trainer4j-random-bits");
                thread.setDaemon(true);
                return thread;
            });
        }
        List<Future<?>> running = new ArrayList<>(parts - 1);
        for (int part = 1; part < parts; part++) {
            int from = bounds[part];
            int to = bounds[part + 1];
            long[] chunk = chunks[part];
            running.add(helpers.submit(() -> fillSites(memory, counts, from, to, chunk)));
        }
        fillSites(memory, counts, bounds[0], bounds[1], chunks[0]);
        for (Future<?> part : running) {
            try {
                part.get();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while making the random bits", e);
            }
            catch (ExecutionException e) {
                throw new IllegalStateException("making the random bits failed", e.getCause());
            }
        }
    }

    /**
     * Writes the words of sites {@code from} to {@code to}: made in {@code chunk} (a few KB, in the cache), then
     * written into the pool's memory in bulk, so the pool has no host copy and no second pass over it.
     */
    private void fillSites(LongDataBuffer memory, Counts counts, int from, int to, long[] chunk) {
        for (int site = from; site < to; site++) {
            long offset = counts.offsets()[site];
            long remaining = counts.words()[site];
            long state = stateValues[site];
            while (remaining > 0) {
                int count = (int) Math.min(remaining, chunk.length);
                state = fill(chunk, 0, count, state);
                memory.offset(offset).write(chunk, 0, count);
                offset += count;
                remaining -= count;
            }
        }
    }

    /** Grows when a pool tensor was closed; runners feeding old pools must then be dropped. */
    public long evictions() {
        return evictions;
    }

    /**
     * Writes {@code count} words of the SplitMix64 sequence from {@code state} at {@code offset}; returns the state
     * after them (from which the sequence goes on).
     */
    static long fill(long[] target, int offset, int count, long state) {
        for (int i = 0; i < count; i++) {
            state += GAMMA;
            target[offset + i] = mix64(state);
        }
        return state;
    }

    /** SplitMix64's output function (Stafford's variant 13 of MurmurHash3's finalizer). */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The layout of the inputs' shapes, or null (then {@link #learning} names them). */
    private Counts counts(Tensor[] inputs, int inputCount) {
        if (lastCounts != null && TfInputFeeder.sameTensors(inputs, lastInputs)) {
            learning = null;
            return lastCounts;
        }
        List<Shape> shapes = new ArrayList<>(inputCount);
        for (int i = 0; i < inputCount; i++) {
            shapes.add(inputs[i].shape());
        }
        Counts counts = countsByShapes.get(shapes);
        if (counts == null) {
            learning = shapes;
            return null;
        }
        learning = null;
        lastInputs = java.util.Arrays.copyOf(inputs, inputCount);
        lastCounts = counts;
        return counts;
    }

    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdownNow();
        }
        pools.values().forEach(pool -> pool.tensor().close());
        pools.clear();
        countsByShapes.values().forEach(counts -> counts.offsetsTensor().close());
        countsByShapes.clear();
        empty.close();
        noOffsets.close();
        states.close();
        lastInputs = null;
        lastCounts = null;
    }
}

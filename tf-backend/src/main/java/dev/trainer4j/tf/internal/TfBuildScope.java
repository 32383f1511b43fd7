package dev.trainer4j.tf.internal;

import dev.trainer4j.tf.nn.TfInitializer;
import dev.trainer4j.tf.nn.TfModelScope;
import dev.trainer4j.tf.nn.VariableRole;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint16;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static java.util.Objects.requireNonNull;

/**
 * The engine's {@link TfModelScope}: ops of one forward pass (under the pass's name and device), a hierarchical
 * path into the shared {@link TfVariableStore}, and stateless randomness keyed by the fed (seed, step, micro-step).
 */
public final class TfBuildScope implements TfModelScope {
    private static final long MIX = 0x9E3779B97F4A7C15L;
    /** The global step's factor in a step's random key: room for 2^20 micro-steps. */
    static final long MICRO_STEP_SPAN = 1L << 20;

    /** This scope's ops, made on first use: {@code Ops.withSubScope} scans every op of the graph, so it is done once per path. */
    private final java.util.function.Supplier<Ops> tf;
    private final String path;
    private final boolean training;
    private final TfVariableStore store;
    private final Operand<TInt64> randomKey;
    private final int tower;
    private final Map<String, Integer> seedCalls;
    private final Map<String, Ops> opsByPath;
    private final double inputEmbeddingNoise;
    private final TfDeviceMap deviceMap;
    /** The checkpointed layers of this training pass ({@code gradient-checkpointing}), or null: none. */
    private final TfCheckpointedBlocks blocks;
    /** The host-made random bits of this training pass, or null: bits are drawn in the graph. */
    private final TfHostRandomBits hostBits;
    /** Whether this inference pass's layers take the forms oneDNN fuses ({@link #fusedKernels()}). */
    private final boolean fusedKernels;

    /**
     * @param tf the pass's ops (name scope and device of the tower)
     * @param randomKey a [3] int64 operand (seed, global step, micro-step)
     */
    public TfBuildScope(Ops tf, boolean training, TfVariableStore store, Operand<TInt64> randomKey) {
        this(tf, training, store, randomKey, 0);
    }

    /**
     * A scope for one tower of a training batch split into row slices: tower 0 draws the masks of an unsplit
     * pass, every other tower draws its own.
     */
    public TfBuildScope(Ops tf, boolean training, TfVariableStore store, Operand<TInt64> randomKey, int tower) {
        this(tf, training, store, randomKey, tower, 0);
    }

    /**
     * A training tower's scope with NEFTune noise on the input embeddings ({@code neftune-noise-alpha}; 0: none).
     */
    public TfBuildScope(Ops tf, boolean training, TfVariableStore store, Operand<TInt64> randomKey, int tower,
                        double inputEmbeddingNoise) {
        this(tf, training, store, randomKey, tower, inputEmbeddingNoise, TfDeviceMap.NONE);
    }

    /** A scope whose layer scopes are placed by {@code deviceMap} ({@code strategy = model-parallel}). */
    public TfBuildScope(Ops tf, boolean training, TfVariableStore store, Operand<TInt64> randomKey, int tower,
                        TfDeviceMap deviceMap) {
        this(tf, training, store, randomKey, tower, 0, deviceMap);
    }

    /**
     * A training tower's scope with NEFTune noise ({@code neftune-noise-alpha}; 0: none) whose layer scopes are placed
     * by {@code deviceMap} ({@code strategy = model-parallel}; {@link TfDeviceMap#NONE}: unplaced).
     */
    public TfBuildScope(Ops tf, boolean training, TfVariableStore store, Operand<TInt64> randomKey, int tower,
                        double inputEmbeddingNoise, TfDeviceMap deviceMap) {
        this(tf, training, store, randomKey, tower, inputEmbeddingNoise, deviceMap, null);
    }

    /**
     * A training tower's scope as above whose {@link #checkpoint} layers are recorded in {@code blocks}
     * ({@code gradient-checkpointing}; null: layers are applied as they are).
     */
    public TfBuildScope(Ops tf, boolean training, TfVariableStore store, Operand<TInt64> randomKey, int tower,
                        double inputEmbeddingNoise, TfDeviceMap deviceMap, TfCheckpointedBlocks blocks) {
        this(tf, training, store, randomKey, tower, inputEmbeddingNoise, deviceMap, blocks, null);
    }

    /**
     * A training tower's scope as above whose {@link #randomUint16} bits come from {@code hostBits} (null: drawn in
     * the graph from {@link #randomSeed()}).
     */
    public TfBuildScope(Ops tf, boolean training, TfVariableStore store, Operand<TInt64> randomKey, int tower,
                        double inputEmbeddingNoise, TfDeviceMap deviceMap, TfCheckpointedBlocks blocks,
                        TfHostRandomBits hostBits) {
        this(rootOps(tf, blocks), "", training, store, randomKey, tower, new HashMap<>(), new HashMap<>(),
                inputEmbeddingNoise, deviceMap, blocks, hostBits, false);
        requireNonNull(tf, "tf is null");
        if (tower < 0) {
            throw new IllegalArgumentException("tower must be >= 0, got " + tower);
        }
        if (!(inputEmbeddingNoise >= 0)) {
            throw new IllegalArgumentException("inputEmbeddingNoise must be >= 0, got " + inputEmbeddingNoise);
        }
    }

    private TfBuildScope(java.util.function.Supplier<Ops> tf, String path, boolean training, TfVariableStore store,
                         Operand<TInt64> randomKey, int tower, Map<String, Integer> seedCalls, Map<String, Ops> opsByPath,
                         double inputEmbeddingNoise, TfDeviceMap deviceMap, TfCheckpointedBlocks blocks,
                         TfHostRandomBits hostBits, boolean fusedKernels) {
        this.fusedKernels = fusedKernels;
        this.blocks = blocks;
        this.hostBits = hostBits;
        this.inputEmbeddingNoise = inputEmbeddingNoise;
        this.deviceMap = requireNonNull(deviceMap, "deviceMap is null");
        this.tf = requireNonNull(tf, "tf is null");
        this.path = requireNonNull(path, "path is null");
        this.training = training;
        this.store = requireNonNull(store, "store is null");
        this.randomKey = requireNonNull(randomKey, "randomKey is null");
        this.tower = tower;
        this.seedCalls = seedCalls;
        this.opsByPath = opsByPath;
    }

    @Override
    public Ops tf() {
        return tf.get();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public TfModelScope child(String name) {
        requireNonNull(name, "name is null");
        if (name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("scope name '" + name + "' must be one non-empty path segment");
        }
        String childPath = qualify(name);
        // strategy = model-parallel: the layer's ops go to the device its name maps to
        String device = deviceMap.isEmpty() ? null : deviceMap.deviceOf(childPath + "/");
        // one Ops per path and pass, made when first used: a layer built twice on one path shares it (and its names)
        java.util.function.Supplier<Ops> childOps = () -> cachedOps(modeKey(childPath), () -> {
            Ops child = tf.get().withSubScope(name);
            return device == null ? child : child.withDevice(dev.trainer4j.tf.TfDevices.of(device).deviceSpec(0));
        });
        return new TfBuildScope(childOps, childPath, training, store, randomKey, tower, seedCalls, opsByPath,
                inputEmbeddingNoise, deviceMap, blocks, hostBits, fusedKernels);
    }

    /**
     * This evaluation or prediction scope with its layer norms and attention scores in the forms oneDNN fuses into
     * single kernels ({@link TfModelScope#fusedKernels()}); give it only to float32 passes that run with oneDNN on.
     */
    public TfBuildScope withFusedKernels() {
        if (training) {
            throw new IllegalStateException("a training scope keeps the plain forms: fused kernels have no gradient");
        }
        return new TfBuildScope(tf, path, false, store, randomKey, tower, seedCalls, opsByPath, inputEmbeddingNoise,
                deviceMap, blocks, hostBits, true);
    }

    @Override
    public boolean fusedKernels() {
        return fusedKernels;
    }

    @Override
    public double inputEmbeddingNoise() {
        return training ? inputEmbeddingNoise : 0;
    }

    @Override
    public boolean training() {
        return training;
    }

    @Override
    public Operand<TFloat32> variable(String name, Shape shape, TfInitializer initializer, VariableRole role) {
        return store.variable(qualify(name), shape, initializer, role).read();
    }

    /**
     * [seed * MIX + hash(path#n), globalStep * 2^20 + microStep], where n counts the requests on this path within
     * this pass, so two dropouts of one layer draw different masks and every draw is fixed by (seed, step, micro-step).
     * Towers other than 0 hash {@code path#n@tower<t>}, so the row slices of one batch never share a mask.
     */
    @Override
    public Operand<TInt64> randomSeed() {
        long pathHash = StableHash.of(nextSiteName());
        Ops ops = cachedOps(modeKey(path + "#random_seed"), () -> tf().withSubScope("random_seed"));
        Operand<TInt64> seed = ops.gather(randomKey, ops.constant(0), ops.constant(0));
        Operand<TInt64> step = ops.gather(randomKey, ops.constant(1), ops.constant(0));
        Operand<TInt64> micro = ops.gather(randomKey, ops.constant(2), ops.constant(0));
        Operand<TInt64> first = ops.math.add(ops.math.mul(seed, ops.constant(MIX)), ops.constant(pathHash));
        Operand<TInt64> second = ops.math.add(ops.math.mul(step, ops.constant(MICRO_STEP_SPAN)), micro);
        return ops.stack(List.of(first, second));
    }

    /**
     * In a training pass with host-made bits: the pool's words of this site ({@link TfHostRandomBits}), whose stream
     * is keyed like {@link #randomSeed()}'s seed; otherwise drawn in the graph from {@link #randomSeed()}.
     */
    @Override
    public Operand<TUint16> randomUint16(Operand<?> like) {
        if (hostBits == null || !training) {
            return TfModelScope.super.randomUint16(like);
        }
        String site = nextSiteName();
        Ops ops = cachedOps(modeKey(path + "#random_bits"), () -> tf().withSubScope("random_bits"));
        return hostBits.halves(ops, site, like);
    }

    /** {@code path#n}, n counting the random requests on this path in this pass, with {@code @tower<t>} past tower 0. */
    private String nextSiteName() {
        int call = seedCalls.merge(path, 1, Integer::sum) - 1;
        return path + "#" + call + (tower == 0 ? "" : "@tower" + tower);
    }

    /**
     * With {@code gradient-checkpointing} while training: the layer's output is a cut (a {@code StopGradient}, so the
     * backward pass of the whole graph stops there) recorded with everything needed to rebuild the layer in the
     * backward pass ({@link TfCheckpointedBlocks}): the input, the layer's function and this pass's dropout-seed
     * counters before the layer, so the rebuilt layer draws the same masks.
     */
    @Override
    public Operand<TFloat32> checkpoint(Operand<TFloat32> input, UnaryOperator<Operand<TFloat32>> block) {
        requireNonNull(input, "input is null");
        requireNonNull(block, "block is null");
        if (blocks == null || !training) {
            return block.apply(input);
        }
        Map<String, Integer> seedsBefore = Map.copyOf(seedCalls);
        Operand<TFloat32> output = requireNonNull(block.apply(input), "the checkpointed layer returned null");
        return blocks.record(input, tf().stopGradient(output), block, this::tf, seedsBefore, seedCalls);
    }

    /** The ops root of a pass: {@code tf}, or its {@code recompute} sub-scope while a layer is rebuilt. */
    private static java.util.function.Supplier<Ops> rootOps(Ops tf, TfCheckpointedBlocks blocks) {
        if (blocks == null) {
            return () -> tf;
        }
        Ops[] recompute = new Ops[1];
        return () -> {
            if (!blocks.recomputing()) {
                return tf;
            }
            if (recompute[0] == null) {
                recompute[0] = tf.withSubScope(TfCheckpointedBlocks.RECOMPUTE_SCOPE);
            }
            return recompute[0];
        };
    }

    /** The cache key of {@code key}'s ops: rebuilt layers get their own ops (under the recompute scope). */
    private String modeKey(String key) {
        return blocks != null && blocks.recomputing() ? TfCheckpointedBlocks.RECOMPUTE_SCOPE + ":" + key : key;
    }

    /** The Ops of {@code key}, made once (not with computeIfAbsent: making a child's Ops makes its parent's). */
    private Ops cachedOps(String key, java.util.function.Supplier<Ops> make) {
        Ops ops = opsByPath.get(key);
        if (ops == null) {
            ops = make.get();
            opsByPath.put(key, ops);
        }
        return ops;
    }

    private String qualify(String name) {
        return path.isEmpty() ? name : path + "/" + name;
    }
}

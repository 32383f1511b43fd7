package dev.trainer4j.bench.djl;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.PairList;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The main job's transformer classifier in DJL 0.36.0 on PyTorch 2.7.1 (CPU), the DJL peer of {@code bench/transformer}:
 * word + learned position embeddings (the engine's embedding op), dropout, 2 pre-LN encoder blocks
 * ({@code x + drop(attention(LN(x)))}, then {@code h + drop(W2 gelu(W1 LN(h)))}, exact GELU) with attention written
 * from NDArray ops (batched {@code matMul} on [B, heads, T, head], an additive -1e9 key padding bias, softmax,
 * dropout on the probabilities), final LayerNorm, masked mean pooling, dropout, a linear head; DJL's sparse softmax
 * cross-entropy (batch mean). DJL's AdamW (lr 1e-3, betas 0.9/0.999, eps 1e-8, decay 0.01 on weights and embeddings,
 * none on biases and LayerNorm parameters). Data: the runner's token file, an {@link ArrayDataset} in order, each step
 * {@code EasyTrain.trainBatch} + {@code trainer.step()}; no listener, so no loss is read back per step (the loss of
 * the first batch is read before and after, as a sanity check).
 *
 * <p>Usage: {@code --data <file> --mode timed --warmup N --warmup-seconds S --jit-quiet-seconds S --seconds S
 * --dropout R --variant <name>}; threads from {@code -Dai.djl.pytorch.num_threads=2
 * -Dai.djl.pytorch.num_interop_threads=1}; run with {@code DJL_OFFLINE=true OPT_OUT_TRACKING=true}.
 */
public final class DjlTransformer {
    static final int VOCABULARY = 8000;
    static final int HIDDEN = 64;
    static final int LAYERS = 2;
    static final int HEADS = 4;
    static final int INTERMEDIATE = 128;
    static final int MAX_POSITION = 128;
    static final int BATCH = 32;
    static final int LABELS = 2;
    static final float LAYER_NORM_EPSILON = 1e-5f;
    private static final String WORD = "word_embedding";
    private static final String POSITION = "position_embedding";

    private DjlTransformer() {
    }

    public static void main(String[] commandLine) throws Exception {
        Map<String, String> arguments = PeerSupport.arguments(commandLine);
        if (!arguments.getOrDefault("mode", "timed").equals("timed")) {
            throw new IllegalArgumentException("the DJL peer runs only --mode timed");
        }
        float dropout = Float.parseFloat(arguments.getOrDefault("dropout", "0.1"));
        int samples;
        int length;
        int[] ids;
        float[] mask;
        float[] labels;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(Path.of(arguments.get("data")))))) {
            samples = in.readInt();
            length = in.readInt();
            ids = new int[samples * length];
            mask = new float[samples * length];
            labels = new float[samples];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = in.readInt();
            }
            for (int i = 0; i < mask.length; i++) {
                mask[i] = in.readInt();
            }
            for (int i = 0; i < labels.length; i++) {
                labels[i] = in.readInt();
            }
        }
        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed(42);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
             Model model = Model.newInstance("transformer", Device.cpu(), "PyTorch")) {
            NDArray idsArray = manager.create(ids, new Shape(samples, length));
            NDArray maskArray = manager.create(mask, new Shape(samples, length));
            NDArray labelsArray = manager.create(labels, new Shape(samples));
            ArrayDataset dataset = new ArrayDataset.Builder().setData(idsArray, maskArray).optLabels(labelsArray)
                    .setSampling(BATCH, false).build();
            TextClassifier network = new TextClassifier(dropout);
            // Glorot uniform: U(+-sqrt(6 / (in + out))) is Xavier uniform, average fan, magnitude 3
            network.setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
                    XavierInitializer.FactorType.AVG, 3f), parameter -> parameter.getType() == Parameter.Type.WEIGHT);
            network.setInitializer(new TruncatedNormalInitializer(0.02f),
                    parameter -> parameter.getName().equals(WORD) || parameter.getName().equals(POSITION));
            model.setBlock(network);
            Set<String> noDecay = new HashSet<>();
            Optimizer optimizer = new SelectiveDecay(noDecay, adamW(0.01f), adamW(0f));
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(optimizer).optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(BATCH, length), new Shape(BATCH, length));
                long parameters = 0;
                long embedding = 0;
                for (Parameter parameter : network.getParameters().values()) {
                    long size = parameter.getArray().size();
                    parameters += size;
                    if (parameter.getName().equals(WORD) || parameter.getName().equals(POSITION)) {
                        embedding += size;
                    }
                    Parameter.Type type = parameter.getType();
                    if (type == Parameter.Type.BIAS || type == Parameter.Type.GAMMA || type == Parameter.Type.BETA) {
                        noDecay.add(parameter.getId());
                    }
                }
                NDList firstBatch = new NDList(idsArray.get("0:" + BATCH), maskArray.get("0:" + BATCH));
                NDArray firstLabels = labelsArray.get("0:" + BATCH);
                float lossBefore = batchLoss(trainer, firstBatch, firstLabels);
                PeerSupport.Window window = new PeerSupport.Window(Long.parseLong(arguments.getOrDefault("warmup", "30")),
                        Double.parseDouble(arguments.getOrDefault("warmup-seconds", "2")),
                        Double.parseDouble(arguments.getOrDefault("jit-quiet-seconds", "1")),
                        Double.parseDouble(arguments.getOrDefault("seconds", "3")));
                Iterator<Batch> batches = trainer.iterateDataset(dataset).iterator();
                for (long step = 1; ; step++) {
                    if (!batches.hasNext()) {
                        batches = trainer.iterateDataset(dataset).iterator();
                    }
                    try (Batch batch = batches.next()) {
                        EasyTrain.trainBatch(trainer, batch);
                        trainer.step();
                    }
                    if (window.afterStep(step)) {
                        break;
                    }
                }
                float lossAfter = batchLoss(trainer, firstBatch, firstLabels);
                double trained = window.steps * (double) BATCH;
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("variant", arguments.getOrDefault("variant", "djl-pytorch"));
                result.put("samples_per_second", trained / (window.nanos / 1e9));
                result.put("cpu_samples_per_second", trained / (window.cpuNanos / 1e9));
                result.put("steps", window.steps);
                result.put("seconds", window.nanos / 1e9);
                result.put("warmup_seconds", window.warmupSeconds());
                result.put("warmup_steps", window.warmupStepsDone());
                result.put("dropout", (double) dropout);
                result.put("parameters", parameters);
                result.put("non_embedding_parameters", parameters - embedding);
                result.put("first_batch_loss_before", (double) lossBefore);
                result.put("first_batch_loss_after", (double) lossAfter);
                result.put("engine", "DJL_0.36.0/PyTorch_" + engine.getVersion());
                result.put("tuned_malloc", System.getenv("MALLOC_MMAP_THRESHOLD_") != null);
                PeerSupport.printResult(result);
            }
        }
    }

    private static Optimizer adamW(float weightDecay) {
        return Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-3f)).optBeta1(0.9f).optBeta2(0.999f)
                .optEpsilon(1e-8f).optWeightDecays(weightDecay).build();
    }

    /** The training-mode loss of one batch (dropout on), outside any gradient collector. */
    private static float batchLoss(Trainer trainer, NDList inputs, NDArray labels) {
        NDList predictions = trainer.forward(inputs);
        NDArray loss = trainer.getLoss().evaluate(new NDList(labels), predictions);
        float value = loss.getFloat();
        loss.close();
        predictions.close();
        return value;
    }

    /** AdamW with decay on every parameter but those in {@code noDecay} (biases, LayerNorm gains and shifts). */
    private static final class SelectiveDecay extends Optimizer {
        private final Set<String> noDecay;
        private final Optimizer decayed;
        private final Optimizer plain;

        SelectiveDecay(Set<String> noDecay, Optimizer decayed, Optimizer plain) {
            super(new Builder());
            this.noDecay = noDecay;
            this.decayed = decayed;
            this.plain = plain;
        }

        @Override
        public void update(String parameterId, NDArray weight, NDArray grad) {
            (noDecay.contains(parameterId) ? plain : decayed).update(parameterId, weight, grad);
        }

        private static final class Builder extends OptimizerBuilder<Builder> {
            @Override
            protected Builder self() {
                return this;
            }
        }
    }

    /** A pre-LN encoder block; inputs [x (B, T, H), key padding bias (B, 1, 1, T)]. */
    private static final class EncoderBlock extends AbstractBlock {
        private final LayerNorm attentionNorm = addChildBlock("attention_norm", layerNorm());
        private final Linear query = addChildBlock("query", Linear.builder().setUnits(HIDDEN).build());
        private final Linear key = addChildBlock("key", Linear.builder().setUnits(HIDDEN).build());
        private final Linear value = addChildBlock("value", Linear.builder().setUnits(HIDDEN).build());
        private final Linear output = addChildBlock("attention_output", Linear.builder().setUnits(HIDDEN).build());
        private final Dropout probabilityDropout;
        private final Dropout attentionDropout;
        private final LayerNorm ffnNorm = addChildBlock("ffn_norm", layerNorm());
        private final Linear intermediate = addChildBlock("intermediate", Linear.builder().setUnits(INTERMEDIATE).build());
        private final Linear ffnOutput = addChildBlock("output", Linear.builder().setUnits(HIDDEN).build());
        private final Dropout ffnDropout;

        EncoderBlock(float rate) {
            probabilityDropout = addChildBlock("probability_dropout", Dropout.builder().optRate(rate).build());
            attentionDropout = addChildBlock("attention_dropout", Dropout.builder().optRate(rate).build());
            ffnDropout = addChildBlock("ffn_dropout", Dropout.builder().optRate(rate).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                         PairList<String, Object> parameters) {
            NDArray x = inputs.get(0);
            NDArray keyBias = inputs.get(1);
            long batch = x.getShape().get(0);
            long length = x.getShape().get(1);
            NDArray normed = apply(attentionNorm, store, x, training);
            NDArray q = heads(apply(query, store, normed, training), batch, length);
            NDArray k = heads(apply(key, store, normed, training), batch, length);
            NDArray v = heads(apply(value, store, normed, training), batch, length);
            NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul((float) (1 / Math.sqrt(HIDDEN / HEADS))).add(keyBias);
            NDArray probabilities = apply(probabilityDropout, store, scores.softmax(-1), training);
            NDArray context = probabilities.matMul(v).transpose(0, 2, 1, 3).reshape(batch, length, HIDDEN);
            x = x.add(apply(attentionDropout, store, apply(output, store, context, training), training));
            NDArray inner = Activation.gelu(apply(intermediate, store, apply(ffnNorm, store, x, training), training));
            return new NDList(x.add(apply(ffnDropout, store, apply(ffnOutput, store, inner, training), training)));
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape x = inputShapes[0];
            for (ai.djl.nn.Block block : List.of(attentionNorm, query, key, value, output, probabilityDropout,
                    attentionDropout, ffnNorm, intermediate, ffnDropout)) {
                block.initialize(manager, dataType, x);
            }
            ffnOutput.initialize(manager, dataType, new Shape(x.get(0), x.get(1), INTERMEDIATE));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0]};
        }
    }

    /** Inputs [ids (B, T) int32, mask (B, T) float32]; output the logits (B, labels). */
    private static final class TextClassifier extends AbstractBlock {
        private final Parameter word = addParameter(Parameter.builder().setName(WORD).setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(VOCABULARY, HIDDEN)).build());
        private final Parameter position = addParameter(Parameter.builder().setName(POSITION)
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(MAX_POSITION, HIDDEN)).build());
        private final Dropout embeddingDropout;
        private final List<EncoderBlock> layers = new ArrayList<>();
        private final LayerNorm finalNorm;
        private final Dropout pooledDropout;
        private final Linear classifier;

        TextClassifier(float rate) {
            embeddingDropout = addChildBlock("embedding_dropout", Dropout.builder().optRate(rate).build());
            for (int i = 0; i < LAYERS; i++) {
                layers.add(addChildBlock("layer_" + i, new EncoderBlock(rate)));
            }
            finalNorm = addChildBlock("final_norm", layerNorm());
            pooledDropout = addChildBlock("classifier_dropout", Dropout.builder().optRate(rate).build());
            classifier = addChildBlock("classifier", Linear.builder().setUnits(LABELS).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                         PairList<String, Object> parameters) {
            NDArray ids = inputs.get(0);
            NDArray mask = inputs.get(1);
            long batch = ids.getShape().get(0);
            long length = ids.getShape().get(1);
            NDArray table = store.getValue(word, ids.getDevice(), training);
            NDArray positions = store.getValue(position, ids.getDevice(), training).get(new NDIndex("0:{}", length));
            NDArray x = ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).head().add(positions);
            x = apply(embeddingDropout, store, x, training);
            NDArray keyBias = mask.neg().add(1f).mul(-1e9f).reshape(batch, 1, 1, length);
            for (EncoderBlock layer : layers) {
                x = layer.forward(store, new NDList(x, keyBias), training).head();
            }
            x = apply(finalNorm, store, x, training);
            NDArray weights = mask.expandDims(2);
            NDArray pooled = x.mul(weights).sum(new int[] {1}).div(weights.sum(new int[] {1}).maximum(1f));
            return new NDList(apply(classifier, store, apply(pooledDropout, store, pooled, training), training));
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape ids = inputShapes[0];
            Shape x = new Shape(ids.get(0), ids.get(1), HIDDEN);
            embeddingDropout.initialize(manager, dataType, x);
            for (EncoderBlock layer : layers) {
                layer.initialize(manager, dataType, x, new Shape(ids.get(0), 1, 1, ids.get(1)));
            }
            finalNorm.initialize(manager, dataType, x);
            pooledDropout.initialize(manager, dataType, new Shape(ids.get(0), HIDDEN));
            classifier.initialize(manager, dataType, new Shape(ids.get(0), HIDDEN));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), LABELS)};
        }
    }

    private static NDArray apply(ai.djl.nn.Block block, ParameterStore store, NDArray x, boolean training) {
        return block.forward(store, new NDList(x), training).head();
    }

    /** [B, T, H] to [B, heads, T, head]. */
    private static NDArray heads(NDArray x, long batch, long length) {
        return x.reshape(batch, length, HEADS, HIDDEN / HEADS).transpose(0, 2, 1, 3);
    }

    private static LayerNorm layerNorm() {
        return LayerNorm.builder().axis(2).optEpsilon(LAYER_NORM_EPSILON).build();
    }
}

package dev.trainer4j.bench.djl;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bench MLPs ({@code bench/run}'s mlp-small 64-256-256-10 at batch 128 and mlp-large 784-1024-1024-10 at batch
 * 256) in DJL 0.36.0 on PyTorch 2.7.1: {@code Linear} + ReLU blocks and a linear head, DJL's sparse softmax
 * cross-entropy, Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8, no decay), the runner's Gaussian blobs in order through an
 * {@link ArrayDataset}, each step {@code EasyTrain.trainBatch} + {@code trainer.step()}, no loss read back.
 * Usage: {@code --data <blobs file> --layout 64,256,256,10 --batch 128 --warmup N --warmup-seconds S
 * --jit-quiet-seconds S --seconds S --variant <name>}; the blobs file is big-endian ints {@code samples, inputs},
 * the features as floats, the labels as ints.
 */
public final class DjlMlp {
    private DjlMlp() {
    }

    public static void main(String[] commandLine) throws Exception {
        Map<String, String> arguments = PeerSupport.arguments(commandLine);
        List<Integer> layout = Arrays.stream(arguments.get("layout").split(",")).map(Integer::parseInt).toList();
        int batch = Integer.parseInt(arguments.get("batch"));
        int samples;
        int inputs;
        float[] features;
        float[] labels;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(Path.of(arguments.get("data")))))) {
            samples = in.readInt();
            inputs = in.readInt();
            features = new float[samples * inputs];
            labels = new float[samples];
            for (int i = 0; i < features.length; i++) {
                features[i] = in.readFloat();
            }
            for (int i = 0; i < samples; i++) {
                labels[i] = in.readInt();
            }
        }
        if (inputs != layout.get(0)) {
            throw new IllegalArgumentException("the data has " + inputs + " inputs, the layout " + layout);
        }
        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed(42);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
             Model model = Model.newInstance("mlp", Device.cpu(), "PyTorch")) {
            NDArray x = manager.create(features, new Shape(samples, inputs));
            NDArray y = manager.create(labels, new Shape(samples));
            ArrayDataset dataset = new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(batch, false).build();
            SequentialBlock network = new SequentialBlock();
            for (int layer = 1; layer < layout.size(); layer++) {
                network.add(Linear.builder().setUnits(layout.get(layer)).build());
                if (layer < layout.size() - 1) {
                    network.add(Activation.reluBlock());
                }
            }
            network.setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
                    XavierInitializer.FactorType.AVG, 3f), parameter -> parameter.getType() == Parameter.Type.WEIGHT);
            model.setBlock(network);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).optBeta1(0.9f)
                            .optBeta2(0.999f).optEpsilon(1e-8f).build())
                    .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(batch, inputs));
                PeerSupport.Window window = new PeerSupport.Window(Long.parseLong(arguments.getOrDefault("warmup", "50")),
                        Double.parseDouble(arguments.getOrDefault("warmup-seconds", "2")),
                        Double.parseDouble(arguments.getOrDefault("jit-quiet-seconds", "2")),
                        Double.parseDouble(arguments.getOrDefault("seconds", "3")));
                Iterator<Batch> batches = trainer.iterateDataset(dataset).iterator();
                for (long step = 1; ; step++) {
                    if (!batches.hasNext()) {
                        batches = trainer.iterateDataset(dataset).iterator();
                    }
                    try (Batch next = batches.next()) {
                        EasyTrain.trainBatch(trainer, next);
                        trainer.step();
                    }
                    if (window.afterStep(step)) {
                        break;
                    }
                }
                double trained = window.steps * (double) batch;
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("variant", arguments.getOrDefault("variant", "djl-pytorch"));
                result.put("samples_per_second", trained / (window.nanos / 1e9));
                result.put("cpu_samples_per_second", trained / (window.cpuNanos / 1e9));
                result.put("steps", window.steps);
                result.put("seconds", window.nanos / 1e9);
                result.put("warmup_seconds", window.warmupSeconds());
                result.put("warmup_steps", window.warmupStepsDone());
                result.put("tuned_malloc", System.getenv("MALLOC_MMAP_THRESHOLD_") != null);
                PeerSupport.printResult(result);
            }
        }
    }
}

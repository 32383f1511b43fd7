package dev.trainer4j.tf;

import dev.trainer4j.api.BackendException;
import dev.trainer4j.api.Batch;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.tf.models.Pooling;
import dev.trainer4j.tf.models.TransformerClassifier;
import dev.trainer4j.tf.models.TransformerClassifierSettings;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * An engine told that every training batch has the first one's shapes ({@link EngineOptions#uniformBatchShapes()})
 * builds its training step for them: it trains as the engine of open shapes does (the same kernels, so the same
 * numbers up to float rounding), its executed step computes no shapes at run time and keeps the fused
 * matmul-plus-bias kernels, and a batch of another shape is refused with the two shapes named. A small
 * transformer classifier in two training towers, with dropout.
 */
class TfFixedTrainingShapesTest {
    private static final int VOCABULARY = 50;
    private static final int LENGTH = 8;
    private static final int ROWS = 8;
    private static final List<String> LABELS = List.of(TransformerClassifier.LABELS);

    private static TransformerClassifier model() {
        return new TransformerClassifier(new TransformerClassifierSettings(VOCABULARY, 16, 1, 2, 32, LENGTH, 0.1, 1e-5,
                Pooling.MEAN, 2));
    }

    private static TrainingArguments args() {
        return TrainingArguments.builder().outputDir("unused").seed(5).perDeviceTrainBatchSize(ROWS)
                .optim(OptimizerType.ADAMW).learningRate(0.01).trainTowers(2).intraOpThreads(1).interOpThreads(2)
                .build();
    }

    /** Token ids with a padded tail (the mask's zeros) and labels 0/1, from {@code seed}. */
    private static Batch batch(int rows, long seed) {
        Random random = new Random(seed);
        int[] ids = new int[rows * LENGTH];
        int[] mask = new int[rows * LENGTH];
        int[] labels = new int[rows];
        for (int row = 0; row < rows; row++) {
            int length = 1 + random.nextInt(LENGTH);
            for (int position = 0; position < length; position++) {
                ids[row * LENGTH + position] = 1 + random.nextInt(VOCABULARY - 1);
                mask[row * LENGTH + position] = 1;
            }
            labels[row] = random.nextInt(2);
        }
        return new Batch(Map.of(TransformerClassifier.INPUT_IDS, HostTensor.ofInts(ids, rows, LENGTH),
                TransformerClassifier.ATTENTION_MASK, HostTensor.ofInts(mask, rows, LENGTH),
                TransformerClassifier.LABELS, HostTensor.ofInts(labels, rows)));
    }

    private static EngineOptions options(boolean fixed) {
        EngineOptions open = new EngineOptions(LABELS, -1);
        return fixed ? open.withBatchShapes(batch(ROWS, 0), true) : open;
    }

    private record Trained(Map<String, float[]> variables, double meanLoss, List<GraphDef> lastStep) {
    }

    /** Five steps on batches 1 to 5, the last traced; the variables and the mean training loss after them. */
    private static Trained train(boolean fixed) {
        try (TfTrainingEngine engine = new TfBackend().compile(model(), args(), options(fixed))) {
            assertThat(engine.threadSettings().towers()).isEqualTo(2);
            for (int step = 0; step < 4; step++) {
                assertThat(engine.step(batch(ROWS, step + 1), new StepContext(step, 0, 1, 0.01, 5)).finite()).isTrue();
            }
            List<GraphDef> traced = engine.traceStepGraphs(batch(ROWS, 5), new StepContext(4, 0, 1, 0.01, 5));
            var loss = engine.readTrainingLoss();
            return new Trained(engine.readVariables(), loss.lossSum() / loss.steps(), traced);
        }
    }

    private static long count(List<GraphDef> graphs, Predicate<String> opType) {
        return graphs.stream().flatMap(graph -> graph.getNodeList().stream()).map(NodeDef::getOp).filter(opType).count();
    }

    @Test
    void theFixedShapeStepTrainsAsTheOpenShapeStepAndComputesNoShapesWhileRunning() {
        Trained open = train(false);
        Trained fixed = train(true);

        assertThat(fixed.meanLoss()).isCloseTo(open.meanLoss(), within(1e-6 * Math.abs(open.meanLoss())));
        assertThat(fixed.variables().keySet()).isEqualTo(open.variables().keySet());
        open.variables().forEach((name, values) -> {
            float[] other = fixed.variables().get(name);
            for (int i = 0; i < values.length; i++) {
                assertThat(other[i]).as("%s[%d]", name, i).isCloseTo(values[i], within(1e-5f + 1e-5f * Math.abs(values[i])));
            }
        });

        Predicate<String> shapeWork = type -> type.equals("Shape") || type.equals("BroadcastGradientArgs")
                || type.equals("DynamicStitch") || type.equals("Prod") || type.equals("Size");
        assertThat(count(open.lastStep(), shapeWork)).as("the open step's shape computations").isGreaterThan(50);
        assertThat(count(fixed.lastStep(), shapeWork)).as("the fixed step's").isLessThanOrEqualTo(
                count(open.lastStep(), shapeWork) / 10);
        Predicate<String> fusedProduct = type -> type.contains("FusedMatMul");
        assertThat(count(fixed.lastStep(), fusedProduct)).as("matmul + bias kernels")
                .isPositive().isGreaterThanOrEqualTo(count(open.lastStep(), fusedProduct));
    }

    @Test
    void aBatchOfAnotherShapeIsRefusedWithBothShapesNamed() {
        try (TfTrainingEngine engine = new TfBackend().compile(model(), args(), options(true))) {
            assertThatThrownBy(() -> engine.step(batch(ROWS - 2, 1), new StepContext(0, 0, 1, 0.01, 5)))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("[6,8]").hasMessageContaining("[8,8]");
        }
    }
}

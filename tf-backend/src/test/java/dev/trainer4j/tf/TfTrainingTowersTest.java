package dev.trainer4j.tf;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.tf.internal.TfBuildScope;
import dev.trainer4j.tf.internal.TfStepCost;
import dev.trainer4j.tf.internal.TfThreadSettings;
import dev.trainer4j.tf.internal.TfVariableStore;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt64;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Training batches split into row slices ("towers") whose forward and backward passes run side by side: the same
 * training as one tower up to the float summation order, bit-reproducible for a fixed tower count, correct for any
 * batch size, and only for models that declare their rows independent.
 */
class TfTrainingTowersTest {
    private static final int FEATURES = 4;
    private static final int CLASSES = 3;
    private static final EngineOptions OPTIONS = new EngineOptions(List.of(), -1);

    private static TrainingArguments.Builder args() {
        return TrainingArguments.builder().outputDir("unused").seed(7).maxSteps(10).learningRate(0.05)
                .perDeviceTrainBatchSize(32).intraOpThreads(1).interOpThreads(2);
    }

    /** {@code rows} examples; every third row is labelled -100, so the towers hold uneven item counts. */
    private static Batch batch(int rows, long seed) {
        return LinearClassifier.randomBatch(FEATURES, CLASSES, rows, seed);
    }

    /** Trains on the given batches, one step each; returns the kernel, the bias and the mean training loss. */
    private static Trained train(int towers, double dropout, Batch... batches) {
        TrainingArguments arguments = args().trainTowers(towers).build();
        try (TfTrainingEngine engine = new TfBackend().compile(
                new LinearClassifier(FEATURES, CLASSES, dropout, true, true), arguments, OPTIONS)) {
            assertThat(engine.threadSettings().towers()).isEqualTo(towers);
            for (int step = 0; step < batches.length; step++) {
                assertThat(engine.step(batches[step], new StepContext(step, 0, 1, 0.05, 7)).finite()).isTrue();
            }
            Map<String, float[]> variables = engine.readVariables();
            var loss = engine.readTrainingLoss();
            return new Trained(variables.get("classifier/kernel"), variables.get("classifier/bias"),
                    loss.lossSum() / loss.steps());
        }
    }

    private record Trained(float[] kernel, float[] bias, double meanLoss) {
    }

    @Test
    void towersTrainAsOneTowerUpToRoundingAndRepeatBitForBit() {
        Batch[] batches = {batch(32, 1), batch(32, 2), batch(32, 3), batch(32, 4)};
        Trained whole = train(1, 0, batches);
        for (int towers : new int[] {2, 3}) {
            Trained split = train(towers, 0, batches);
            assertClose(split.kernel(), whole.kernel());
            assertClose(split.bias(), whole.bias());
            assertThat(split.meanLoss()).isCloseTo(whole.meanLoss(), org.assertj.core.api.Assertions.within(1e-6));
            Trained again = train(towers, 0, batches);
            assertThat(again.kernel()).as("%d towers repeat bit for bit", towers).containsExactly(split.kernel());
            assertThat(again.meanLoss()).isEqualTo(split.meanLoss());
        }
    }

    @Test
    void anyBatchSizeWorksIncludingTowersLeftEmpty() {
        // 7 rows in 3 towers split 2/2/3; 1 row in 4 towers leaves three towers empty
        Batch[] batches = {batch(7, 5), batch(1, 6), batch(5, 7)};
        Trained whole = train(1, 0, batches);
        Trained split = train(4, 0, batches);
        assertClose(split.kernel(), whole.kernel());
        assertClose(split.bias(), whole.bias());
        assertClose(train(3, 0, batches).kernel(), whole.kernel());
    }

    /** Evaluates {@code batch} (loss and logits) and predicts it (logits) with {@code towers} training towers. */
    private static List<Object> evaluate(int towers, Batch batch) {
        try (TfTrainingEngine engine = new TfBackend().compile(
                new LinearClassifier(FEATURES, CLASSES, 0, true, true), args().trainTowers(towers).build(), OPTIONS)) {
            var evaluated = engine.evaluate(batch, true);
            var predicted = engine.evaluate(new Batch(Map.of(LinearClassifier.FEATURES,
                    batch.get(LinearClassifier.FEATURES))), true);
            boolean towerPass = false;
            var operations = engine.graph().operations();
            while (operations.hasNext()) {
                towerPass |= operations.next().name().startsWith("replica_1/forward_eval_towers/");
            }
            return List.of(evaluated.lossSum(), evaluated.itemCount(), evaluated.predictions().get("logits")
                    .floats(), predicted.predictions().get("logits").floats(), towerPass);
        }
    }

    @Test
    void evaluationAndPredictionRunOnTheTowersAndGiveWhatOneTowerGives() {
        // 7 rows split 3/4 over two towers; every third row unlabelled, so the item count is 5 (rows 0, 1, 3, 4, 6)
        Batch batch = batch(7, 8);
        List<Object> whole = evaluate(1, batch);
        List<Object> split = evaluate(2, batch);
        assertThat(whole.get(4)).as("one tower builds no tower pass").isEqualTo(false);
        assertThat(split.get(4)).as("two towers evaluate on two row slices").isEqualTo(true);
        assertThat(split.get(1)).isEqualTo(5.0).isEqualTo(whole.get(1));
        assertThat((double) split.get(0)).isCloseTo((double) whole.get(0),
                org.assertj.core.api.Assertions.within(1e-5 * Math.abs((double) whole.get(0))));
        assertClose((float[]) split.get(2), (float[]) whole.get(2));
        assertClose((float[]) split.get(3), (float[]) whole.get(3));
        assertThat((float[]) split.get(2)).hasSize(7 * CLASSES);
    }

    @Test
    void dropoutInTowersIsReproducibleAndEachTowerDrawsItsOwnMask() {
        Batch[] batches = {batch(32, 1), batch(32, 2)};
        Trained first = train(2, 0.5, batches);
        assertThat(train(2, 0.5, batches).kernel()).containsExactly(first.kernel());

        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            TfVariableStore store = new TfVariableStore(graph, tf, 7);
            Operand<TInt64> key = tf.constant(new long[] {7, 3, 0});
            Operand<TInt64> unsplit = new TfBuildScope(tf, true, store, key).child("dropout").randomSeed();
            Operand<TInt64> tower0 = new TfBuildScope(tf, true, store, key, 0).child("dropout").randomSeed();
            Operand<TInt64> tower1 = new TfBuildScope(tf, true, store, key, 1).child("dropout").randomSeed();
            try (Session session = new Session(graph);
                 Result result = session.runner().fetch(unsplit).fetch(tower0).fetch(tower1).run()) {
                long[] seeds = new long[6];
                for (int i = 0; i < 3; i++) {
                    TInt64 seed = (TInt64) result.get(i);
                    seeds[2 * i] = seed.getLong(0);
                    seeds[2 * i + 1] = seed.getLong(1);
                }
                assertThat(new long[] {seeds[2], seeds[3]}).as("tower 0 draws an unsplit pass's mask")
                        .containsExactly(seeds[0], seeds[1]);
                assertThat(seeds[4]).as("tower 1 draws its own").isNotEqualTo(seeds[2]);
                assertThat(seeds[5]).as("same step").isEqualTo(seeds[3]);
            }
        }
    }

    /** A step's cost known only from the parameter count (as one product of 2 x parameters x batch FLOPs). */
    private static TfStepCost byParameters(long parameters, TrainingArguments arguments) {
        return TfStepCost.ofParameters(parameters, arguments.perDeviceTrainBatchSize());
    }

    @Test
    void towersAreChosenBySizeOnlyForRowIndependentModels() {
        TrainingArguments byDefault = TrainingArguments.builder().outputDir("unused").perDeviceTrainBatchSize(8).build();
        TfThreadSettings small = TfThreadSettings.choose(byDefault, byParameters(1_000_000, byDefault), 4, null);
        assertThat(small.towers()).isEqualTo(4);
        assertThat(small.intraOp()).isEqualTo(1);
        assertThat(small.interOp()).as("one pool thread per tower").isEqualTo(4);

        TrainingArguments tinyBatch = TrainingArguments.builder().outputDir("unused").perDeviceTrainBatchSize(2).build();
        assertThat(TfThreadSettings.choose(tinyBatch, byParameters(2_000_000, tinyBatch), 4, null).towers()).isEqualTo(2);
        assertThat(TfThreadSettings.choose(byDefault, byParameters(1_000_000, byDefault), 1, null).towers()).isEqualTo(1);
        assertThat(TfThreadSettings.choose(byDefault, byParameters(1_000_000, byDefault), 1, null).interOp()).isEqualTo(-1);
        // 6 x 500,000 x 8 = 2.4e7 FLOPs: work for two towers of at least 1e7, not four
        assertThat(TfThreadSettings.choose(byDefault, byParameters(500_000, byDefault), 4, null).towers()).isEqualTo(2);
        TfThreadSettings tiny = TfThreadSettings.choose(byDefault, byParameters(10_000, byDefault), 4, null);
        assertThat(tiny.towers()).as("4.8e5 FLOPs a step: no tower worth its overhead").isEqualTo(1);
        assertThat(tiny.interOp()).isEqualTo(-1);

        TfThreadSettings coupled = TfThreadSettings.choose(byDefault, byParameters(1_000_000, byDefault), 4, "model 'm' couples rows");
        assertThat(coupled.towers()).isEqualTo(1);
        assertThat(coupled.interOp()).isEqualTo(-1);
        assertThat(coupled.reason()).contains("model 'm' couples rows");

        TfThreadSettings large = TfThreadSettings.choose(byDefault, byParameters(100_000_000, byDefault), 4, null);
        assertThat(large.towers()).as("a 400 MB gradient copy per extra tower is over the 32 MB bound").isEqualTo(1);
        assertThat(large.intraOp()).isEqualTo(4);
        assertThat(large.interOp()).isEqualTo(1);
        // 3M parameters: 12 MB per copy, so 2 extra copies (3 towers) on 8 cores, each tower with 2 intra-op threads
        TfThreadSettings hybrid = TfThreadSettings.choose(byDefault, byParameters(3_000_000, byDefault), 8, null);
        assertThat(List.of(hybrid.towers(), hybrid.intraOp(), hybrid.interOp())).containsExactly(3, 2, 3);
        assertThat(hybrid.reason()).contains("towers by cost (bounded by the gradient copies' memory)");

        TrainingArguments explicit = TrainingArguments.builder().outputDir("unused").perDeviceTrainBatchSize(8)
                .trainTowers(3).interOpThreads(-1).build();
        TfThreadSettings given = TfThreadSettings.choose(explicit, byParameters(100_000_000, explicit), 4, null);
        assertThat(given.towers()).isEqualTo(3);
        assertThat(given.interOp()).isEqualTo(-1);
        assertThat(given.reason()).contains("towers from args");
    }

    @Test
    void fullDeterminismChoosesTheSameThreadsOnEveryMachine() {
        TrainingArguments deterministic = TrainingArguments.builder().outputDir("unused").perDeviceTrainBatchSize(8)
                .set(TrainingArguments.FULL_DETERMINISM, true).build();
        for (int cores : new int[] {1, 2, 8, 64}) {
            for (long parameters : new long[] {10_000, 1_000_000, 100_000_000}) {
                TfThreadSettings settings = TfThreadSettings.choose(deterministic, byParameters(parameters, deterministic), cores, null);
                assertThat(List.of(settings.intraOp(), settings.interOp(), settings.towers()))
                        .as("%d cores, %d parameters", cores, parameters).containsExactly(1, -1, 1);
            }
        }
        TrainingArguments pinned = deterministic.toBuilder().trainTowers(2).intraOpThreads(3).build();
        TfThreadSettings given = TfThreadSettings.choose(pinned, byParameters(1_000_000, pinned), 8, null);
        assertThat(List.of(given.intraOp(), given.interOp(), given.towers())).containsExactly(3, 2, 2);
    }

    @Test
    void explicitTowersAreRefusedForAModelWhoseRowsMayBeCoupled() {
        TrainingArguments arguments = args().trainTowers(2).build();
        assertThatThrownBy(() -> new TfBackend().compile(new LinearClassifier(FEATURES, CLASSES, 0, true), arguments, OPTIONS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("train-towers = 2")
                .hasMessageContaining("linear-classifier")
                .hasMessageContaining("rowIndependent()");
        TfTrainerHooks averaging = new TfTrainerHooks() {
            @Override
            public dev.trainer4j.api.ModelOutput<Operand<?>> computeLoss(dev.trainer4j.api.ModelOutput<Operand<?>> outputs,
                                                                          Map<String, Operand<?>> inputs, Ops tf) {
                return outputs;
            }
        };
        assertThat(TfTrainerHooks.DEFAULT.lossRowIndependent()).isTrue();
        assertThat(averaging.lossRowIndependent()).isFalse();
        assertThatThrownBy(() -> new TfBackend(averaging).compile(
                new LinearClassifier(FEATURES, CLASSES, 0, true, true), arguments, OPTIONS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("computeLoss is overridden");
        assertThatThrownBy(() -> TrainingArguments.builder().outputDir("unused").trainTowers(-1).build())
                .hasMessageContaining("train-towers");
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("element %d", i)
                    .isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-6 + 1e-5 * Math.abs(expected[i])));
        }
    }
}

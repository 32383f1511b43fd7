package dev.trainer4j.loop;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.trainer4j.api.Callback;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@code full-gc-before-training}: one {@code System.gc()} between the run's setup ({@code on_train_begin}) and its
 * first step, and none without it. The JVM's collection notifications name each collection's cause and arrive in
 * order on a thread of their own; a last {@code System.gc()} of the test's own, told apart by its collection id, marks
 * the end, so that every notification of the run has arrived when the causes are counted.
 */
class FullGcBeforeTrainingTest {
    private static final String EXPLICIT = "System.gc()";

    @TempDir
    Path dir;

    private final List<String> causes = new CopyOnWriteArrayList<>();
    private final CountDownLatch lastArrived = new CountDownLatch(1);
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    /** Each collector's count just before the test's own collection; null until then. */
    private volatile Map<String, Long> countsBeforeOwnCollection;
    private final NotificationListener listener = this::record;

    @BeforeEach
    void listen() {
        assumeThat(ManagementFactory.getRuntimeMXBean().getInputArguments())
                .as("explicit collections are on in this JVM").doesNotContain("-XX:+DisableExplicitGC");
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
    }

    @AfterEach
    void stopListening() throws ListenerNotFoundException {
        for (NotificationEmitter emitter : emitters) {
            emitter.removeNotificationListener(listener);
        }
    }

    private void record(Notification notification, Object handback) {
        if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        causes.add(info.getGcCause());
        Map<String, Long> before = countsBeforeOwnCollection;
        // a collection's id is its collector's count: the test's own has a higher one than the collector had before it
        if (before != null && info.getGcCause().equals(EXPLICIT)
                && info.getGcInfo().getId() > before.getOrDefault(info.getGcName(), Long.MAX_VALUE)) {
            lastArrived.countDown();
        }
    }

    /** Trains 4 steps, then collects once itself and waits for that collection's notification. */
    private long collectionsBeforeFirstStep(boolean fullGc) throws InterruptedException {
        CollectionCounts counts = new CollectionCounts();
        TrainingArguments args = LoopFixtures.args(dir).learningRate(0.01).fullGcBeforeTraining(fullGc).build();
        try (Trainer trainer = new DefaultTrainer(TrainerSpec.builder().args(args).model(new FakeModel(3))
                .trainDataset(FakeData.regression(8, 3, 5)).addCallback(counts).build(), new FakeBackend())) {
            trainer.train();
        }
        countsBeforeOwnCollection = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .collect(Collectors.toMap(GarbageCollectorMXBean::getName, GarbageCollectorMXBean::getCollectionCount));
        System.gc();
        assertThat(lastArrived.await(30, TimeUnit.SECONDS)).as("the test's own collection was notified").isTrue();
        return counts.atFirstStep - counts.atTrainBegin;
    }

    @Test
    void onItCollectsOnceBetweenTheSetupAndTheFirstStep() throws InterruptedException {
        long between = collectionsBeforeFirstStep(true);

        assertThat(causes.stream().filter(EXPLICIT::equals)).as("the run's collection and the test's").hasSize(2);
        assertThat(between).as("collections between on_train_begin and the first step").isPositive();
    }

    @Test
    void offItLeavesTheHeapAlone() throws InterruptedException {
        collectionsBeforeFirstStep(false);

        assertThat(causes.stream().filter(EXPLICIT::equals)).as("only the test's own collection").hasSize(1);
    }

    /** The JVM's collection count (every collector) at on_train_begin and at the first on_step_begin. */
    private static final class CollectionCounts implements Callback {
        long atTrainBegin = -1;
        long atFirstStep = -1;

        @Override
        public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
            atTrainBegin = collections();
        }

        @Override
        public void onStepBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
            if (atFirstStep < 0) {
                atFirstStep = collections();
            }
        }

        private static long collections() {
            return ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
        }
    }
}

package dev.trainer4j.loop;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Callbacks learn their trainer (HF's model kwarg) before the first event, also when added later. */
class TrainerAttachedTest {
    @TempDir
    Path dir;

    @Test
    void everyCallbackIsAttachedBeforeInitEnd() {
        AttachmentRecorder fromSpec = new AttachmentRecorder();
        TrainerSpec spec = TrainerSpec.builder()
                .args(LoopFixtures.args(dir).build())
                .model(new FakeModel(2))
                .trainDataset(FakeData.regression(4, 2, 1))
                .addCallback(fromSpec)
                .build();
        try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend())) {
            assertThat(fromSpec.events).containsExactly("attached", "onInitEnd");
            assertThat(fromSpec.trainer).isSameAs(trainer);
            AttachmentRecorder added = new AttachmentRecorder();
            trainer.addCallback(added);
            assertThat(added.trainer).isSameAs(trainer);
            assertThat(added.events).containsExactly("attached");
            // the fake backend's engine does not read weights: the default says so
            assertThatThrownBy(trainer::modelWeights).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("cannot read the model's weights");
        }
    }

    private static final class AttachmentRecorder implements Callback {
        private final List<String> events = new ArrayList<>();
        private Trainer trainer;

        @Override
        public void onTrainerAttached(Trainer attached) {
            trainer = attached;
            events.add("attached");
        }

        @Override
        public void onInitEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
            events.add("onInitEnd");
        }
    }
}

package dev.trainer4j.loop;

import dev.trainer4j.api.CheckpointException;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.testing.FakeBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static dev.trainer4j.loop.CheckpointFixtures.args;
import static dev.trainer4j.loop.CheckpointFixtures.run;
import static dev.trainer4j.loop.CheckpointFixtures.spec;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A hand-edited {@code trainer4j_state.json} whose manifest was regenerated passes the manifest check; reading it must
 * then name the file and the field at fault instead of failing with a {@code NullPointerException} or a cast error.
 */
class EditedLoopStateTest {
    @TempDir
    Path root;

    /** Trains a short run, edits checkpoint-3's loop state, regenerates its manifest and returns the checkpoint. */
    private Path editedCheckpoint(String name, Consumer<Map<String, Object>> edit) throws Exception {
        Path dir = root.resolve(name);
        TrainerSpec spec = spec(args(dir).maxSteps(3).build()).build();
        run(spec, null);
        Path checkpoint = dir.resolve("checkpoint-3");
        Path file = checkpoint.resolve(Checkpoints.LOOP_STATE);
        Map<String, Object> content = Checkpoints.readJson(file);
        edit.accept(content);
        Checkpoints.writeJson(file, content);
        Files.delete(checkpoint.resolve(Checkpoints.MANIFEST));
        CheckpointManifest.write(checkpoint, 3);
        return checkpoint;
    }

    private void assertRefused(Path checkpoint, String field, String problem) {
        TrainerSpec spec = spec(args(checkpoint.getParent()).build()).build();
        try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend())) {
            assertThatThrownBy(() -> trainer.train(checkpoint.toString()))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(checkpoint.resolve(Checkpoints.LOOP_STATE).toString())
                    .hasMessageContaining(field)
                    .hasMessageContaining(problem);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRemovedDataPositionFieldIsNamed() throws Exception {
        Path checkpoint = editedCheckpoint("removed", content ->
                ((Map<String, Object>) content.get("data_position")).remove("batch_in_epoch"));
        assertRefused(checkpoint, "data_position.batch_in_epoch", "missing");
    }

    @Test
    void aRemovedBlockIsNamed() throws Exception {
        Path checkpoint = editedCheckpoint("block", content -> content.remove("data_position"));
        assertRefused(checkpoint, "data_position", "missing");
    }

    @Test
    void aFieldOfTheWrongTypeIsNamed() throws Exception {
        Path checkpoint = editedCheckpoint("type", content -> content.put("loss_accumulators", "none"));
        assertRefused(checkpoint, "loss_accumulators", "\"none\"");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aWrongValueInsideALossAccumulatorIsNamed() throws Exception {
        Path checkpoint = editedCheckpoint("accumulator", content ->
                ((Map<String, Object>) content.get("loss_accumulators")).put("total_sum", "1.5"));
        assertRefused(checkpoint, "loss_accumulators", "total_sum");
    }

    @Test
    void aSchedulerFieldOfTheWrongTypeIsNamed() throws Exception {
        Path checkpoint = editedCheckpoint("scheduler", content -> content.put("scheduler", List.of(1, 2)));
        assertRefused(checkpoint, "scheduler", "[1,2]");
    }
}

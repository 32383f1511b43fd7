package dev.trainer4j.plugins.tensorboard;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TensorBoardCallbackTest {
    private static final TensorBoardSettings SETTINGS = new TensorBoardSettings(Optional.empty(), 10_000, 10);

    @TempDir
    Path outputDir;

    /** One scalar as read back from an event file. */
    record Scalar(String tag, long step, float value) {
    }

    /** What one event file holds. */
    record EventFile(Path path, String fileVersion, List<Scalar> scalars, List<Summary.Value> texts) {
    }

    private TrainingArguments args() {
        return TrainingArguments.builder().outputDir(outputDir.toString()).learningRate(3e-4).build();
    }

    private static TrainerState state(long step, double epoch) {
        TrainerState state = new TrainerState();
        state.setGlobalStep(step);
        state.setEpoch(epoch);
        return state;
    }

    private static Map<String, Object> logs(Object... keysAndValues) {
        Map<String, Object> logs = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            logs.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return logs;
    }

    @Test
    void writesHfNamedScalarsAtTheGlobalStepAndTheArgumentsAsText() throws IOException {
        TrainingArguments args = args();
        TrainerControl control = new TrainerControl();
        TensorBoardCallback callback = new TensorBoardCallback(SETTINGS);

        callback.onTrainBegin(args, state(0, 0), control);
        callback.onLog(args, state(10, 0.5), control, logs("loss", 0.6931, "grad_norm", 1.25, "learning_rate", 5e-5,
                "epoch", 0.5, "step", 10L));
        callback.onLog(args, state(20, 1.0), control, logs("loss", 0.4125, "learning_rate", 2.5e-5, "epoch", 1.0,
                "step", 20L));
        callback.onEvaluate(args, state(20, 1.0), control, new LinkedHashMap<>(Map.of("eval_loss", 0.53125)));
        // HF's evaluate() also logs its metrics; the same values at the same step are not written twice
        callback.onLog(args, state(20, 1.0), control, logs("eval_loss", 0.53125, "eval_val_accuracy", 0.875,
                "epoch", 1.0, "step", 20L));
        callback.onSave(args, state(20, 1.0), control);
        callback.onLog(args, state(20, 1.0), control, logs("train_runtime", 12.5, "train_samples_per_second", 320,
                "note", "not a number", "skipped", true, "epoch", 1.0, "step", 20L));
        callback.onTrainEnd(args, state(20, 1.0), control);
        callback.onPredict(args, state(20, 1.0), control, new LinkedHashMap<>(Map.of("test_loss", 0.375)));
        callback.close();

        List<EventFile> files = readEventFiles(outputDir.resolve("runs"));
        assertThat(files).hasSize(2);
        EventFile train = files.stream().filter(file -> !file.texts().isEmpty()).findFirst().orElseThrow();
        EventFile predict = files.stream().filter(file -> file != train).findFirst().orElseThrow();
        for (EventFile file : files) {
            assertThat(file.fileVersion()).as(file.path().toString()).isEqualTo("brain.Event:2");
            assertThat(file.path().getFileName().toString()).startsWith("events.out.tfevents.");
        }

        assertThat(train.scalars()).containsExactly(
                new Scalar("train/loss", 10, 0.6931f),
                new Scalar("train/grad_norm", 10, 1.25f),
                new Scalar("train/learning_rate", 10, 5e-5f),
                new Scalar("train/epoch", 10, 0.5f),
                new Scalar("train/loss", 20, 0.4125f),
                new Scalar("train/learning_rate", 20, 2.5e-5f),
                new Scalar("train/epoch", 20, 1.0f),
                new Scalar("eval/loss", 20, 0.53125f),
                new Scalar("eval/val_accuracy", 20, 0.875f),
                new Scalar("train/train_runtime", 20, 12.5f),
                new Scalar("train/train_samples_per_second", 20, 320f));
        assertThat(predict.scalars()).containsExactly(new Scalar("test/loss", 20, 0.375f));

        assertThat(train.texts()).hasSize(1);
        Summary.Value text = train.texts().get(0);
        assertThat(text.getTag()).isEqualTo("args");
        assertThat(text.getMetadata().getPluginData().getPluginName()).isEqualTo("text");
        String markdown = text.getTensor().getStringVal(0).toString(StandardCharsets.UTF_8);
        assertThat(markdown).startsWith("| argument | value |\n|---|---|\n| output-dir | " + outputDir + " |\n");
        assertThat(markdown).contains("| learning-rate | 3.0E-4 |\n");
        assertThat(markdown.lines().count()).isEqualTo(2 + args.toMap().size());
    }

    @Test
    void theArgumentsTextIsWrittenAtTheResumedStep() throws IOException {
        TensorBoardCallback callback = new TensorBoardCallback(SETTINGS);
        callback.onTrainBegin(args(), state(40, 2.0), new TrainerControl());
        callback.onTrainEnd(args(), state(40, 2.0), new TrainerControl());

        List<EventFile> files = readEventFiles(outputDir.resolve("runs"));
        assertThat(files).hasSize(1);
        assertThat(files.get(0).scalars()).isEmpty();
        assertThat(files.get(0).texts()).extracting(Summary.Value::getTag).containsExactly("args");
        assertThat(stepsOf(files.get(0).path(), "args")).containsExactly(40L);
    }

    @Test
    void aRelativeLogDirIsResolvedAgainstTheOutputDir() throws IOException {
        TensorBoardCallback callback = new TensorBoardCallback(new TensorBoardSettings(Optional.of("tb/run-1"), 1000, 1));
        callback.onLog(args(), state(1, 0.1), new TrainerControl(), logs("loss", 2.0));
        callback.close();

        assertThat(callback.logDirectory()).isEqualTo(outputDir.resolve("tb/run-1"));
        assertThat(readEventFiles(outputDir.resolve("tb/run-1")).get(0).scalars()).containsExactly(new Scalar("train/loss", 1, 2.0f));
        assertThat(outputDir.resolve("runs")).doesNotExist();
    }

    @Test
    void onlyTheWorldProcessZeroWrites() {
        TrainerState replica = TrainerState.fromMap(java.util.Map.of("global_step", 5, "is_world_process_zero", false));
        TensorBoardCallback callback = new TensorBoardCallback(SETTINGS);
        callback.onTrainBegin(args(), replica, new TrainerControl());
        callback.onLog(args(), replica, new TrainerControl(), logs("loss", 1.0));
        callback.onEvaluate(args(), replica, new TrainerControl(), Map.of("eval_loss", 1.0));
        callback.onTrainEnd(args(), replica, new TrainerControl());

        assertThat(callback.logDirectory()).isNull();
        assertThat(outputDir.resolve("runs")).doesNotExist();
    }

    @Test
    void aLogDirThatCannotBeCreatedFailsWithTheDirectoryAndLeavesNothingOpen() throws IOException {
        Files.writeString(outputDir.resolve("runs"), "a file where the log directory should be");
        TensorBoardCallback callback = new TensorBoardCallback(SETTINGS);

        assertThatThrownBy(() -> callback.onTrainBegin(args(), state(0, 0), new TrainerControl()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot open a TensorBoard event file in " + outputDir.resolve("runs"));
        callback.close();
        assertThat(Files.readString(outputDir.resolve("runs"))).isEqualTo("a file where the log directory should be");
    }

    @Test
    void theReaderRejectsACorruptedRecord() throws IOException {
        TensorBoardCallback callback = new TensorBoardCallback(SETTINGS);
        callback.onLog(args(), state(1, 0.1), new TrainerControl(), logs("loss", 2.0));
        callback.close();
        Path file = eventFiles(outputDir.resolve("runs")).get(0);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 6] ^= 0x01; // inside the last record's data
        Files.write(file, bytes);

        assertThatThrownBy(() -> TfRecordReader.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("bad data checksum of record 1");
    }

    private static List<Long> stepsOf(Path file, String tag) throws IOException {
        List<Long> steps = new ArrayList<>();
        for (byte[] record : TfRecordReader.read(file)) {
            Event event = Event.parseFrom(record);
            for (Summary.Value value : event.getSummary().getValueList()) {
                if (value.getTag().equals(tag)) {
                    steps.add(event.getStep());
                }
            }
        }
        return steps;
    }

    static List<Path> eventFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(path -> path.getFileName().toString().startsWith("events.out.tfevents.")).sorted().toList();
        }
    }

    static List<EventFile> readEventFiles(Path directory) throws IOException {
        List<EventFile> result = new ArrayList<>();
        for (Path path : eventFiles(directory)) {
            List<byte[]> records = TfRecordReader.read(path);
            assertThat(records).as(path.toString()).isNotEmpty();
            Event first = parse(records.get(0));
            assertThat(first.getWhatCase()).isEqualTo(Event.WhatCase.FILE_VERSION);
            List<Scalar> scalars = new ArrayList<>();
            List<Summary.Value> texts = new ArrayList<>();
            for (byte[] record : records.subList(1, records.size())) {
                Event event = parse(record);
                assertThat(event.getWhatCase()).isEqualTo(Event.WhatCase.SUMMARY);
                for (Summary.Value value : event.getSummary().getValueList()) {
                    if (value.getValueCase() == Summary.Value.ValueCase.SIMPLE_VALUE) {
                        scalars.add(new Scalar(value.getTag(), event.getStep(), value.getSimpleValue()));
                    }
                    else {
                        texts.add(value);
                    }
                }
            }
            result.add(new EventFile(path, first.getFileVersion(), scalars, texts));
        }
        return result;
    }

    private static Event parse(byte[] record) {
        try {
            return Event.parseFrom(record);
        }
        catch (InvalidProtocolBufferException e) {
            throw new AssertionError("not an Event record: " + e.getMessage(), e);
        }
    }
}

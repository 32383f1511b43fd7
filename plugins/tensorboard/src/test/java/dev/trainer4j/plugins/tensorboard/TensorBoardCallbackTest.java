package dev.trainer4j.plugins.tensorboard;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Value;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.DataType;
import dev.trainer4j.api.GradientSnapshot;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.Model;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.HistogramProto;
import org.tensorflow.proto.Summary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T10:20:03Z"), ZoneOffset.UTC);
    /** HF's logging_dir folder for CLOCK's time and host "host": strftime("%b%d_%H-%M-%S") + "_" + host. */
    private static final String RUN_FOLDER = "Dec07_10-20-03_host";

    @TempDir
    Path outputDir;

    /** One scalar as read back from an event file. */
    record Scalar(String tag, long step, float value) {
    }

    /** What one event file holds: scalars, text summaries and HParams plugin summaries. */
    record EventFile(Path path, String fileVersion, List<Scalar> scalars, List<Summary.Value> texts, List<Summary.Value> hparams,
            List<Summary.Value> histograms, List<Long> histogramSteps) {
    }

    private static TensorBoardCallback callback(TensorBoardSettings settings) {
        return new TensorBoardCallback(settings, CLOCK, "host");
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
        TensorBoardCallback callback = callback(SETTINGS);

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

        assertThat(callback.logDirectory()).isEqualTo(outputDir.resolve("runs").resolve(RUN_FOLDER));
        List<EventFile> files = readEventFiles(outputDir.resolve("runs").resolve(RUN_FOLDER));
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
        String json = text.getTensor().getStringVal(0).toString(StandardCharsets.UTF_8);
        // HF's args.to_json_string(): json.dumps(to_dict(), indent=2), snake_case keys, Python's float spelling
        assertThat(json).startsWith("{\n  \"output_dir\": \"" + outputDir + "\",\n");
        assertThat(json).contains("\n  \"learning_rate\": 0.0003,\n");
        assertThat(json).endsWith("\n}");
        assertThat(json.lines().filter(line -> line.matches("^  \"[a-z0-9_]+\": .*"))).hasSize(args.toMap().size());
    }

    @Test
    void onLogWritesTheEpochEvenWhenTheLogLacksIt() throws IOException {
        TensorBoardCallback callback = callback(SETTINGS);
        callback.onLog(args(), state(7, 0.35), new TrainerControl(), logs("eval_loss", 0.5, "step", 7L));
        callback.close();
        assertThat(readEventFiles(callback.logDirectory()).get(0).scalars())
                .containsExactly(new Scalar("train/epoch", 7, 0.35f), new Scalar("eval/loss", 7, 0.5f));
    }

    @Test
    void eachRunAndEachResumeWritesItsOwnDateAndHostFolder() throws IOException {
        TensorBoardCallback first = callback(SETTINGS);
        first.onLog(args(), state(1, 0.1), new TrainerControl(), logs("loss", 2.0, "epoch", 0.1));
        first.onTrainEnd(args(), state(1, 0.1), new TrainerControl());
        // a resume in a new process, an hour later
        TensorBoardCallback resumed = new TensorBoardCallback(SETTINGS, Clock.offset(CLOCK, Duration.ofHours(1)), "host");
        resumed.onLog(args(), state(2, 0.2), new TrainerControl(), logs("loss", 1.0, "epoch", 0.2));
        resumed.onTrainEnd(args(), state(2, 0.2), new TrainerControl());

        try (Stream<Path> folders = Files.list(outputDir.resolve("runs"))) {
            assertThat(folders.map(path -> path.getFileName().toString()).sorted())
                    .containsExactly("Dec07_10-20-03_host", "Dec07_11-20-03_host");
        }
        assertThat(readEventFiles(outputDir.resolve("runs/Dec07_10-20-03_host")).get(0).scalars()).contains(new Scalar("train/loss", 1, 2.0f));
        assertThat(readEventFiles(outputDir.resolve("runs/Dec07_11-20-03_host")).get(0).scalars()).contains(new Scalar("train/loss", 2, 1.0f));
        assertThat(RunFolderName.host()).isNotBlank().doesNotContain("/");
    }

    @Test
    void hparamsPairTheArgumentsWithTheLastEvaluation() throws IOException {
        TrainingArguments args = args();
        TensorBoardCallback callback = callback(SETTINGS);
        callback.onTrainBegin(args, state(0, 0), new TrainerControl());
        callback.onEvaluate(args, state(10, 1.0), new TrainerControl(), new LinkedHashMap<>(Map.of("eval_loss", 0.75)));
        Map<String, Double> last = new LinkedHashMap<>();
        last.put("eval_loss", 0.5);
        last.put("eval_f1", 0.9);
        callback.onEvaluate(args, state(20, 2.0), new TrainerControl(), last);
        callback.onTrainEnd(args, state(20, 2.0), new TrainerControl());

        List<Summary.Value> hparams = readEventFiles(callback.logDirectory()).get(0).hparams();
        assertThat(hparams).extracting(Summary.Value::getTag)
                .containsExactly("_hparams_/session_start_info", "_hparams_/experiment", "_hparams_/session_end_info");

        // HParamsPluginData: session_start_info = 3 { hparams = 1 (map entry: key 1, google.protobuf.Value 2), start_time_secs = 5 }
        Map<Integer, List<Object>> start = ProtoFields.read(content(hparams.get(0)));
        assertThat(start).containsOnlyKeys(3);
        Map<Integer, List<Object>> session = ProtoFields.read((byte[]) start.get(3).get(0));
        Map<String, Value> values = new LinkedHashMap<>();
        for (Object entry : session.get(1)) {
            Map<Integer, List<Object>> pair = ProtoFields.read((byte[]) entry);
            values.put(new String((byte[]) pair.get(1).get(0), StandardCharsets.UTF_8), Value.parseFrom((byte[]) pair.get(2).get(0)));
        }
        assertThat(values).hasSize(args.toMap().size());
        assertThat(values.get("learning_rate").getNumberValue()).isEqualTo(3e-4);
        assertThat(values.get("output_dir").getStringValue()).isEqualTo(outputDir.toString());
        assertThat(values.get("load_best_model_at_end").getKindCase()).isEqualTo(Value.KindCase.BOOL_VALUE);
        assertThat(Double.longBitsToDouble((Long) session.get(5).get(0))).isEqualTo(CLOCK.millis() / 1000.0);

        // experiment = 2 { hparam_infos = 4 { name = 1, type = 4 }, metric_infos = 5 { name = 1 { tag = 2 } } }
        Map<Integer, List<Object>> experiment = ProtoFields.read((byte[]) ProtoFields.read(content(hparams.get(1))).get(2).get(0));
        assertThat(experiment.get(4)).hasSize(args.toMap().size());
        Map<Integer, List<Object>> learningRate = experiment.get(4).stream().map(info -> ProtoFields.read((byte[]) info))
                .filter(info -> new String((byte[]) info.get(1).get(0), StandardCharsets.UTF_8).equals("learning_rate"))
                .findFirst().orElseThrow();
        assertThat(learningRate.get(4)).containsExactly(3L); // DATA_TYPE_FLOAT64
        List<String> metricTags = experiment.get(5).stream()
                .map(info -> ProtoFields.read((byte[]) ProtoFields.read((byte[]) info).get(1).get(0)))
                .map(name -> new String((byte[]) name.get(2).get(0), StandardCharsets.UTF_8)).toList();
        assertThat(metricTags).containsExactly("eval/loss", "eval/f1");

        // session_end_info = 4 { status = 1 (STATUS_SUCCESS = 1), end_time_secs = 2 }
        Map<Integer, List<Object>> end = ProtoFields.read((byte[]) ProtoFields.read(content(hparams.get(2))).get(4).get(0));
        assertThat(end.get(1)).containsExactly(1L);
    }

    @Test
    void histogramsOfTheWeightsAtTrainingLogsAndTheModelConfig() throws IOException {
        Map<String, float[]> weights = new LinkedHashMap<>();
        weights.put("mlp/dense_0/kernel", new float[] {-1.5f, 0.25f, 0.5f, 2f});
        weights.put("mlp/dense_0/bias", new float[] {0.125f, -0.125f});
        Model model = new Model() {
            @Override
            public String name() {
                return "mlp-classifier";
            }

            @Override
            public List<InputSpec> inputs() {
                return List.of(InputSpec.feature("features", DataType.FLOAT32, -1, 4),
                        InputSpec.classLabel("labels", DataType.INT32, 3, -1));
            }
        };
        TensorBoardCallback callback = callback(new TensorBoardSettings(Optional.empty(), 10_000, 10, true));
        callback.onTrainerAttached(new FakeTrainer(model, () -> weights));
        TrainingArguments args = args();
        callback.onTrainBegin(args, state(0, 0), new TrainerControl());
        callback.onLog(args, state(5, 0.5), new TrainerControl(), logs("loss", 1.0, "epoch", 0.5));
        // an evaluation log is not a training log: no histograms
        callback.onLog(args, state(5, 0.5), new TrainerControl(), logs("eval_loss", 1.0, "epoch", 0.5));
        callback.onTrainEnd(args, state(5, 0.5), new TrainerControl());

        EventFile file = readEventFiles(callback.logDirectory()).get(0);
        assertThat(file.histograms()).extracting(Summary.Value::getTag).containsExactly("weights/mlp/dense_0/kernel", "weights/mlp/dense_0/bias");
        assertThat(file.histogramSteps()).containsExactly(5L, 5L);
        HistogramProto kernel = file.histograms().get(0).getHisto();
        // from the values: min, max, count, sum and sum of squares
        assertThat(kernel.getMin()).isEqualTo(-1.5);
        assertThat(kernel.getMax()).isEqualTo(2.0);
        assertThat(kernel.getNum()).isEqualTo(4.0);
        assertThat(kernel.getSum()).isEqualTo(-1.5 + 0.25 + 0.5 + 2);
        assertThat(kernel.getSumSquares()).isEqualTo(2.25 + 0.0625 + 0.25 + 4);
        assertThat(kernel.getBucketList().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(4.0);

        Summary.Value config = file.texts().stream().filter(text -> text.getTag().equals("model_config")).findFirst().orElseThrow();
        assertThat(config.getTensor().getStringVal(0).toString(StandardCharsets.UTF_8)).isEqualTo("""
                {
                  "model_type": "mlp-classifier",
                  "inputs": [
                    {
                      "name": "features",
                      "dtype": "FLOAT32",
                      "shape": [
                        -1,
                        4
                      ],
                      "label": false
                    },
                    {
                      "name": "labels",
                      "dtype": "INT32",
                      "shape": [
                        -1
                      ],
                      "label": true
                    }
                  ]
                }""");
    }

    @Test
    void gradientHistogramsOnlyOfTheLoggedStepAndOnlyOfFiniteGradients() throws IOException {
        Map<String, float[]> gradients = new LinkedHashMap<>();
        gradients.put("dense/kernel", new float[] {-0.5f, 0.25f, 1f});
        gradients.put("dense/bias", new float[] {Float.NaN, 1f});
        GradientSnapshot snapshot = new GradientSnapshot(5, gradients);
        TensorBoardCallback callback = callback(new TensorBoardSettings(Optional.empty(), 10_000, 10, true));
        assertThat(callback.needsGradients()).isTrue();
        assertThat(callback(SETTINGS).needsGradients()).isFalse();
        callback.onTrainerAttached(new FakeTrainer(null, Map::of, () -> Optional.of(snapshot)));
        TrainingArguments args = args();
        callback.onLog(args, state(5, 0.5), new TrainerControl(), logs("loss", 1.0));
        // a log at step 6 (one another callback forced) finds the gradients of step 5: not written again
        callback.onLog(args, state(6, 0.6), new TrainerControl(), logs("loss", 1.0));
        callback.close();

        EventFile file = readEventFiles(callback.logDirectory()).get(0);
        // the bias gradient holds a NaN (a skipped non-finite step): no histogram for it, the kernel's is written
        assertThat(file.histograms()).extracting(Summary.Value::getTag).containsExactly("gradients/dense/kernel");
        assertThat(file.histogramSteps()).containsExactly(5L);
        HistogramProto kernel = file.histograms().get(0).getHisto();
        assertThat(kernel.getNum()).isEqualTo(3.0);
        assertThat(kernel.getMin()).isEqualTo(-0.5);
        assertThat(kernel.getMax()).isEqualTo(1.0);
        assertThat(kernel.getSum()).isEqualTo(0.75);
    }

    @Test
    void theModelConfigOfARunFileIsItsResolvedModelBlockWithSortedKeys() {
        Config block = ConfigFactory.parseString("""
                type = mlp-classifier, num-labels = 3, hidden-sizes = [64, 32], dropout = 0.1, activation = relu
                freeze = [], init { scale = 0.02, method = glorot }, pretrained = null
                """);
        // keys sorted (HF's to_json_string sorts them), type as model_type, Python's json.dumps(indent=2) layout
        assertThat(TensorBoardCallback.modelConfig(null, Optional.of(block))).isEqualTo("""
                {
                  "activation": "relu",
                  "dropout": 0.1,
                  "freeze": [],
                  "hidden-sizes": [
                    64,
                    32
                  ],
                  "init": {
                    "method": "glorot",
                    "scale": 0.02
                  },
                  "model_type": "mlp-classifier",
                  "num-labels": 3,
                  "pretrained": null
                }""");
    }

    @Test
    void noHistogramsUnlessAsked() throws IOException {
        TensorBoardCallback callback = callback(SETTINGS);
        callback.onTrainerAttached(new FakeTrainer(null, () -> {
            throw new AssertionError("weights read without histograms = true");
        }));
        callback.onLog(args(), state(5, 0.5), new TrainerControl(), logs("loss", 1.0, "epoch", 0.5));
        callback.close();
        assertThat(readEventFiles(callback.logDirectory()).get(0).histograms()).isEmpty();
    }

    @Test
    void argumentFloatsAreSpelledAsPythonsRepr() {
        assertThat(ArgumentsJson.pythonFloat(3e-4)).isEqualTo("0.0003");
        assertThat(ArgumentsJson.pythonFloat(5e-5)).isEqualTo("5e-05");
        assertThat(ArgumentsJson.pythonFloat(1e-8)).isEqualTo("1e-08");
        assertThat(ArgumentsJson.pythonFloat(0.999)).isEqualTo("0.999");
        assertThat(ArgumentsJson.pythonFloat(3.0)).isEqualTo("3.0");
        assertThat(ArgumentsJson.pythonFloat(-1.0)).isEqualTo("-1.0");
        assertThat(ArgumentsJson.pythonFloat(1e16)).isEqualTo("1e+16");
        assertThat(ArgumentsJson.pythonFloat(123456789.5)).isEqualTo("123456789.5");
        assertThat(ArgumentsJson.json(Map.of("a-b", List.of("x", "y")))).isEqualTo("{\n  \"a_b\": [\n    \"x\",\n    \"y\"\n  ]\n}");
        Map<String, Object> nulls = new LinkedHashMap<>();
        nulls.put("run-name", null);
        nulls.put("kwargs", Map.of());
        nulls.put("name", "caf\u00e9 \"q\"");
        assertThat(ArgumentsJson.json(nulls)).isEqualTo("{\n  \"run_name\": null,\n  \"kwargs\": {},\n  \"name\": \"caf\\u00e9 \\\"q\\\"\"\n}");
    }

    private static byte[] content(Summary.Value value) {
        assertThat(value.getMetadata().getPluginData().getPluginName()).isEqualTo("hparams");
        return value.getMetadata().getPluginData().getContent().toByteArray();
    }

    @Test
    void theArgumentsTextIsWrittenAtTheResumedStep() throws IOException {
        TensorBoardCallback callback = callback(SETTINGS);
        callback.onTrainBegin(args(), state(40, 2.0), new TrainerControl());
        callback.onTrainEnd(args(), state(40, 2.0), new TrainerControl());

        List<EventFile> files = readEventFiles(callback.logDirectory());
        assertThat(files).hasSize(1);
        assertThat(files.get(0).scalars()).isEmpty();
        assertThat(files.get(0).texts()).extracting(Summary.Value::getTag).containsExactly("args");
        assertThat(stepsOf(files.get(0).path(), "_hparams_/session_start_info")).containsExactly(40L);
        assertThat(stepsOf(files.get(0).path(), "args")).containsExactly(40L);
    }

    @Test
    void aRelativeLogDirIsResolvedAgainstTheOutputDir() throws IOException {
        TensorBoardCallback callback = callback(new TensorBoardSettings(Optional.of("tb/run-1"), 1000, 1));
        callback.onLog(args(), state(1, 0.1), new TrainerControl(), logs("loss", 2.0));
        callback.close();

        assertThat(callback.logDirectory()).isEqualTo(outputDir.resolve("tb/run-1").resolve(RUN_FOLDER));
        assertThat(readEventFiles(callback.logDirectory()).get(0).scalars())
                .containsExactly(new Scalar("train/epoch", 1, 0.1f), new Scalar("train/loss", 1, 2.0f));
        assertThat(outputDir.resolve("runs")).doesNotExist();
    }

    @Test
    void onlyTheWorldProcessZeroWrites() {
        TrainerState replica = TrainerState.fromMap(java.util.Map.of("global_step", 5, "is_world_process_zero", false));
        TensorBoardCallback callback = callback(SETTINGS);
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
        TensorBoardCallback callback = callback(SETTINGS);

        assertThatThrownBy(() -> callback.onTrainBegin(args(), state(0, 0), new TrainerControl()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot open a TensorBoard event file in " + outputDir.resolve("runs"));
        callback.close();
        assertThat(Files.readString(outputDir.resolve("runs"))).isEqualTo("a file where the log directory should be");
    }

    @Test
    void theReaderRejectsACorruptedRecord() throws IOException {
        TensorBoardCallback callback = callback(SETTINGS);
        callback.onLog(args(), state(1, 0.1), new TrainerControl(), logs("loss", 2.0));
        callback.close();
        Path file = eventFiles(callback.logDirectory()).get(0);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 6] ^= 0x01; // inside the last record's data
        Files.write(file, bytes);

        assertThatThrownBy(() -> TfRecordReader.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("bad data checksum of record 2"); // file version, train/epoch, train/loss
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
            List<Summary.Value> hparams = new ArrayList<>();
            List<Summary.Value> histograms = new ArrayList<>();
            List<Long> histogramSteps = new ArrayList<>();
            for (byte[] record : records.subList(1, records.size())) {
                Event event = parse(record);
                assertThat(event.getWhatCase()).isEqualTo(Event.WhatCase.SUMMARY);
                for (Summary.Value value : event.getSummary().getValueList()) {
                    if (value.getValueCase() == Summary.Value.ValueCase.SIMPLE_VALUE) {
                        scalars.add(new Scalar(value.getTag(), event.getStep(), value.getSimpleValue()));
                    }
                    else if (value.getValueCase() == Summary.Value.ValueCase.HISTO) {
                        histograms.add(value);
                        histogramSteps.add(event.getStep());
                    }
                    else if (value.getMetadata().getPluginData().getPluginName().equals("hparams")) {
                        hparams.add(value);
                    }
                    else {
                        texts.add(value);
                    }
                }
            }
            result.add(new EventFile(path, first.getFileVersion(), scalars, texts, hparams, histograms, histogramSteps));
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

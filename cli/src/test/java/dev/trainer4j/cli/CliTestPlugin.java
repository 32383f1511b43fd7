package dev.trainer4j.cli;

import com.typesafe.config.Config;
import dev.trainer4j.api.BackendException;
import dev.trainer4j.api.Batch;
import dev.trainer4j.api.Callback;
import dev.trainer4j.api.CheckpointException;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DataException;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.Metric;
import dev.trainer4j.api.Model;
import dev.trainer4j.api.NonFiniteLossException;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.api.TrainingInterruptedException;
import dev.trainer4j.loop.DefaultTrainer;
import dev.trainer4j.spi.Backend;
import dev.trainer4j.spi.BackendCapability;
import dev.trainer4j.spi.BackendFactory;
import dev.trainer4j.spi.CallbackFactory;
import dev.trainer4j.spi.CheckpointScope;
import dev.trainer4j.spi.DatasetFactory;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.EvalBatchOutput;
import dev.trainer4j.spi.MetricFactory;
import dev.trainer4j.spi.ModelFactory;
import dev.trainer4j.spi.Plugin;
import dev.trainer4j.spi.PluginContext;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.spi.StepOutcome;
import dev.trainer4j.spi.TrainingEngine;
import dev.trainer4j.spi.TrainingLossReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hand-written fakes for the command tests (defaults in the test reference.conf). Its {@code cli-test-backend} stops
 * at {@link Backend#createTrainer}: the message proves the run was assembled with the given settings. Its
 * {@code cli-export-backend} restores {@code engine/weights.txt} of a checkpoint and exports that text.
 */
public final class CliTestPlugin implements Plugin {

    /** The file {@code cli-export-backend}'s engine writes on export: the weights it restored last. */
    public static final String EXPORT_MARKER = "exported-model.txt";
    /** The file {@code cli-export-backend}'s engine reads from {@code <checkpoint>/engine/} on restore. */
    public static final String WEIGHTS_FILE = "weights.txt";

    @Override
    public List<BackendFactory> backendFactories() {
        return List.of(new BackendFactory() {
            @Override
            public String name() {
                return "cli-failing-backend";
            }

            @Override
            public Backend create(Config settings, PluginContext context) {
                return new FailingBackend(settings.getString("failure"));
            }
        }, new BackendFactory() {
            @Override
            public String name() {
                return "cli-test-backend";
            }

            @Override
            public String description() {
                return "stops when asked for a trainer";
            }

            @Override
            public Backend create(Config settings, PluginContext context) {
                return new StoppingBackend();
            }
        }, new BackendFactory() {
            @Override
            public String name() {
                return "cli-export-backend";
            }

            @Override
            public String description() {
                return "restores weights.txt and exports it as a marker file";
            }

            @Override
            public Backend create(Config settings, PluginContext context) {
                return new ExportingBackend();
            }
        });
    }

    @Override
    public List<ModelFactory> modelFactories() {
        return List.of(new ModelFactory() {
            @Override
            public String name() {
                return "cli-test-model";
            }

            @Override
            public Model create(Config settings, PluginContext context) {
                int hiddenSize = settings.getInt("hidden-size");
                return new Model() {
                    @Override
                    public String name() {
                        return "cli-test-model(hidden-size=" + hiddenSize + ")";
                    }

                    @Override
                    public List<InputSpec> inputs() {
                        return List.of();
                    }
                };
            }
        });
    }

    @Override
    public List<DatasetFactory> datasetFactories() {
        return List.of(new DatasetFactory() {
            @Override
            public String name() {
                return "cli-test-dataset";
            }

            @Override
            public Dataset create(Config settings, PluginContext context) {
                return Dataset.of(List.of(Example.of(Map.of("x", 1))));
            }
        });
    }

    /**
     * {@code cli-test-pacer}: prints {@code STEP <global step>} on stdout after every step, then sleeps
     * {@code step-delay-millis}, so that a test can send a signal while a real run is between two steps.
     */
    @Override
    public List<CallbackFactory> callbackFactories() {
        return List.of(new CallbackFactory() {
            @Override
            public String name() {
                return "cli-test-pacer";
            }

            @Override
            public Callback create(Config settings, PluginContext context) {
                long delayMillis = settings.getLong("step-delay-millis");
                return new Callback() {
                    @Override
                    public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
                        System.out.println("STEP " + state.globalStep());
                        System.out.flush();
                        try {
                            Thread.sleep(delayMillis);
                        }
                        catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                };
            }
        });
    }

    @Override
    public List<MetricFactory> metricFactories() {
        return List.of(new MetricFactory() {
            @Override
            public String name() {
                return "cli-test-metric";
            }

            @Override
            public Metric create(Config settings, PluginContext context) {
                return new Metric() {
                    @Override
                    public String name() {
                        return "cli-test-metric";
                    }

                    @Override
                    public void reset() {
                    }

                    @Override
                    public void update(EvalPrediction batch) {
                    }

                    @Override
                    public Map<String, Double> compute() {
                        return Map.of();
                    }
                };
            }
        });
    }

    /** Its engine only restores (the text of engine/weights.txt) and exports (that text into a marker file). */
    private static final class ExportingBackend implements Backend {
        @Override
        public String name() {
            return "cli-export-backend";
        }

        @Override
        public Set<BackendCapability> capabilities() {
            return Set.of(BackendCapability.TRAINING, BackendCapability.MODEL_EXPORT);
        }

        @Override
        public Trainer createTrainer(TrainerSpec spec) {
            return new DefaultTrainer(spec, this);
        }

        @Override
        public TrainingEngine compile(Model model, TrainingArguments args, EngineOptions options) {
            return new ExportingEngine();
        }
    }

    private static final class ExportingEngine implements TrainingEngine {
        private String weights = "initial";

        @Override
        public void restore(Path directory, CheckpointScope scope) {
            if (scope != CheckpointScope.MODEL) {
                throw new IllegalArgumentException("expected a MODEL restore, got " + scope);
            }
            try {
                weights = Files.readString(directory.resolve(WEIGHTS_FILE));
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void exportModel(Path directory) {
            try {
                Files.createDirectories(directory);
                Files.writeString(directory.resolve(EXPORT_MARKER), "exported " + weights);
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void accumulate(Batch microBatch, StepContext context) {
            throw new UnsupportedOperationException("export test engine");
        }

        @Override
        public StepOutcome step(Batch lastMicroBatch, StepContext context) {
            throw new UnsupportedOperationException("export test engine");
        }

        @Override
        public TrainingLossReport readTrainingLoss() {
            throw new UnsupportedOperationException("export test engine");
        }

        @Override
        public EvalBatchOutput evaluate(Batch batch, boolean returnPredictions) {
            throw new UnsupportedOperationException("export test engine");
        }

        @Override
        public void resetOptimizer() {
            throw new UnsupportedOperationException("export test engine");
        }

        @Override
        public void save(Path directory, CheckpointScope scope) {
            throw new UnsupportedOperationException("export test engine");
        }

        @Override
        public void close() {
        }
    }

    private static final class StoppingBackend implements Backend {
        @Override
        public String name() {
            return "cli-test-backend";
        }

        @Override
        public Set<BackendCapability> capabilities() {
            return Set.of(BackendCapability.TRAINING);
        }

        @Override
        public TrainingEngine compile(Model model, TrainingArguments args, EngineOptions options) {
            throw new UnsupportedOperationException("the cli test backend compiles nothing");
        }

        @Override
        public Trainer createTrainer(TrainerSpec spec) {
            throw new IllegalStateException("cli test backend asked for a trainer: model " + spec.model().orElseThrow().name()
                    + ", learning-rate " + spec.args().learningRate() + ", " + spec.metrics().size() + " metric(s)");
        }
    }

    /** Fails in {@link #createTrainer} with the exception its {@code failure} setting names, for the exit-code tests. */
    private record FailingBackend(String failure) implements Backend {
        @Override
        public String name() {
            return "cli-failing-backend";
        }

        @Override
        public Set<BackendCapability> capabilities() {
            return Set.of(BackendCapability.TRAINING);
        }

        @Override
        public TrainingEngine compile(Model model, TrainingArguments args, EngineOptions options) {
            throw new UnsupportedOperationException("the failing test backend compiles nothing");
        }

        @Override
        public Trainer createTrainer(TrainerSpec spec) {
            Path where = Path.of("checkpoint-7");
            throw switch (failure) {
                case "configuration" -> new ConfigurationException("args.learning-rate", -1.0, "a number >= 0");
                case "data" -> new DataException(Path.of("train.jsonl"), 12, "field 'label' is missing");
                case "checkpoint" -> new CheckpointException(where, "checkpoint " + where + " is damaged");
                case "backend" -> new BackendException("training step 3", "training step 3 failed: native error", null);
                case "non-finite" -> new NonFiniteLossException("non-finite loss at global step 3", 3, 0);
                case "interrupted" -> new TrainingInterruptedException("stopped by SIGTERM after saving " + where, where);
                default -> new IllegalStateException("a bug in the test backend");
            };
        }
    }
}

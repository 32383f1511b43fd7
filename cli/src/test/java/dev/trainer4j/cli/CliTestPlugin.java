package dev.trainer4j.cli;

import com.typesafe.config.Config;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.Metric;
import dev.trainer4j.api.Model;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.Backend;
import dev.trainer4j.spi.BackendCapability;
import dev.trainer4j.spi.BackendFactory;
import dev.trainer4j.spi.DatasetFactory;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.MetricFactory;
import dev.trainer4j.spi.ModelFactory;
import dev.trainer4j.spi.Plugin;
import dev.trainer4j.spi.PluginContext;
import dev.trainer4j.spi.TrainingEngine;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hand-written fakes for the command tests (defaults in the test reference.conf). Its backend stops at
 * {@link Backend#createTrainer}: the message proves the run was assembled with the given settings.
 */
public final class CliTestPlugin implements Plugin {

    @Override
    public List<BackendFactory> backendFactories() {
        return List.of(new BackendFactory() {
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
}

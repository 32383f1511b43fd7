package dev.trainer4j.cli;

import dev.trainer4j.api.TrainOutput;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.api.TrainingInterruptedException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.trainer4j.api.ClusterSpec;
import dev.trainer4j.cluster.ClusterSpecs;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.runtime.Trainer4j;
import dev.trainer4j.spi.StartupTimeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code trainer4j train}: validates the run file, assembles the trainer, trains, then evaluates every eval dataset
 * and prints one {@code <dataset> <metric> = value} line per result (e.g. {@code test f1 = 0.9508}). Nothing trains
 * before the whole run file is valid.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Trains the run described by a run file, then evaluates its eval datasets.")
final class TrainCommand extends CliCommand {
    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);
    /**
     * The command's defaults under the run file's, both off in the library for the sake of an embedding application:
     * SIGTERM and SIGINT save a checkpoint at the next step boundary (the application keeps its signals), and one full
     * garbage collection runs before the first step (a pause in an application with a large heap; here the process is
     * the run's own). A run file or {@code --set} that gives {@code save-on-interrupt} (or HF's
     * {@code enable_jit_checkpoint}) or {@code full-gc-before-training} wins.
     */
    static final Config COMMAND_DEFAULTS = ConfigFactory.parseMap(Map.of(
            TrainingArguments.CONFIG_PATH + "." + TrainingArguments.SAVE_ON_INTERRUPT.key(), true,
            TrainingArguments.CONFIG_PATH + "." + TrainingArguments.FULL_GC_BEFORE_TRAINING.key(), true));
    /** A process stopped by a signal exits with 128 + its number, as the JVM's own handler does. */
    private static final Map<String, Integer> SIGNAL_EXIT_CODES = Map.of("SIGTERM", 128 + 15, "SIGINT", 128 + 2);

    @Mixin
    RunFileOptions runFile = new RunFileOptions();

    @Option(names = "--resume", paramLabel = "DIR|latest",
            description = "Resume from a checkpoint folder, or 'latest' for the newest checkpoint in args.output-dir.")
    String resume;

    @Option(names = "--workers", paramLabel = "N",
            description = "Trains with N worker JVMs on this machine (loopback ports; worker 0 trains, the others serve"
                    + " their devices), to try a multi-worker run. On several machines set TF_CONFIG instead.")
    Integer workers;


    TrainCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        if (workers != null) {
            List<String> forwarded = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
            int at = forwarded.indexOf("--workers");
            if (at >= 0) {
                forwarded.subList(at, Math.min(at + 2, forwarded.size())).clear();
            }
            forwarded.removeIf(argument -> argument.startsWith("--workers="));
            return new LocalWorkers(forwarded, workers, spec.commandLine().getErr()).run();
        }
        StartupTimeline.process().mark("cli");
        Trainer4j runtime = context.runtime().get().withDefaults(COMMAND_DEFAULTS);
        StartupTimeline.process().mark("plugins+defaults");
        RunConfig run = runFile.load(runtime, context);
        StartupTimeline.process().mark("config");
        // TensorFlow's natives load on a background thread while the data and tokenizer are prepared
        runtime.preloadBackend(run.backend().type());
        Optional<ClusterSpec> cluster = ClusterSpecs.resolve(System.getenv(), run.resolved());
        if (cluster.isPresent() && !run.resolved().hasPath(ClusterSpec.CLUSTER_BLOCK)) {
            run = runFile.load(runtime, context, ConfigFactory.empty().withValue(ClusterSpec.CLUSTER_BLOCK,
                    ConfigValueFactory.fromMap(Map.of("workers", cluster.get().workers(),
                            "task-index", cluster.get().taskIndex()))));
        }
        if (cluster.isPresent() && !cluster.get().isChief()) {
            LOG.info("Worker {} of {} ({}): serving its devices to the chief at {} until it ends",
                    cluster.get().taskIndex(), cluster.get().size(), cluster.get().source(), cluster.get().workers().get(0));
            runtime.newBackend(run.backend().type(), run.backend().settings()).serveWorker(cluster.get(), run.args());
            return SUCCESS;
        }
        if (run.args().doTrain() && run.trainData().isEmpty()) {
            throw new ConfigurationException("data.train", "data.train: missing; trainer4j train needs a training dataset, "
                    + "e.g. data { train { type = jsonl, path = train.jsonl } }");
        }
        if (resume != null && resume.isBlank()) {
            throw new UsageException("--resume: expected a checkpoint folder or 'latest'");
        }
        LOG.info("Training {} on backend '{}' into {}", runFile.runFile(context), run.backend().type(), run.args().outputDir());
        TrainingArguments args = run.args();
        try (Trainer trainer = runtime.trainer(run)) {
            PrintWriter out = out();
            // HF's script flags: do-train (trainer4j's default: true), do-eval (true), do-predict (false)
            if (args.doTrain()) {
                TrainOutput output;
                try {
                    output = resume != null ? trainer.train(resume) : trainer.train();
                }
                catch (TrainingInterruptedException e) {
                    return interrupted(e);
                }
                out.println("train: global_step=" + output.globalStep() + " training_loss=" + output.trainingLoss());
                print(out, output.metrics());
            }
            else {
                LOG.info("do-train = false: not training");
            }
            if (args.doEval() && !run.evalData().isEmpty()) {
                Map<String, Double> evaluation = trainer.evaluate();
                print(out, evaluation);
                printResults(out, run.evalData().keySet(), evaluation);
            }
            if (args.doPredict()) {
                trainer.spec().evalDatasets().forEach((name, dataset) -> {
                    String prefix = name.equals(TrainerSpec.DEFAULT_EVAL_NAME) ? "test" : "test_" + name;
                    out.println("predict " + (name.equals(TrainerSpec.DEFAULT_EVAL_NAME) ? "eval" : name) + ":");
                    print(out, trainer.predict(dataset, List.of(), prefix).metrics());
                });
            }
            out.flush();
        }
        return SUCCESS;
    }

    /**
     * A signal stopped training after saving a checkpoint: says where and how to continue, and exits as the signal
     * would have (143 for SIGTERM, 130 for SIGINT; the signal's handler may end the JVM with the same code first).
     */
    private int interrupted(TrainingInterruptedException stop) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("trainer4j train: " + stop.getMessage().replace("train(\"latest\")", "--resume latest"));
        err.flush();
        return SIGNAL_EXIT_CODES.getOrDefault(stop.reason(), FAILURE);
    }

    /**
     * One line per eval dataset and metric, timings left out, e.g. {@code test f1 = 0.9508} for
     * {@code eval_test_f1}: the run's result at a glance.
     */
    static void printResults(PrintWriter out, Set<String> evalNames, Map<String, Double> metrics) {
        for (String name : evalNames) {
            String label = name.equals(TrainerSpec.DEFAULT_EVAL_NAME) ? "eval" : name;
            String prefix = name.equals(TrainerSpec.DEFAULT_EVAL_NAME) ? "eval_" : "eval_" + name + "_";
            new TreeMap<>(metrics).forEach((key, value) -> {
                if (!key.startsWith(prefix)) {
                    return;
                }
                String metric = key.substring(prefix.length());
                if (metric.equals("runtime") || metric.endsWith("_per_second")) {
                    return;
                }
                out.println(label + " " + metric + " = " + String.format(Locale.ROOT, "%.4f", value));
            });
        }
    }

    private static void print(PrintWriter out, Map<String, Double> metrics) {
        new TreeMap<>(metrics).forEach((name, value) -> out.println("  " + name + " = " + value));
    }
}

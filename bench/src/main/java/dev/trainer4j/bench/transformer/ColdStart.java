package dev.trainer4j.bench.transformer;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.runtime.Trainer4j;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * One cold start of the main job, in a fresh JVM: from the process's start to the end of the first optimizer step,
 * through the public API the CLI uses ({@code Trainer4j.fromFile} on the run file, the main job's own settings, only
 * {@code args.max-steps = 1} and a fresh temporary {@code args.output-dir} overridden). A callback takes the times;
 * after the first step it prints one {@code RESULT} line and halts the JVM (what comes after the step is not part of
 * the measure). The phases: {@code jvm} (process start to {@code main}), {@code assemble} (run file, plugins, the
 * tokenizer learned from the training texts, the datasets, the trainer), {@code to_train_begin} (from the trainer
 * to {@code onTrainBegin}), {@code to_first_step} (to the first {@code onStepBegin}), {@code first_step} (to its
 * {@code onStepEnd}). Where TensorFlow's native load, the graph build, session creation and grappler fall within
 * them is the library's business: the public API has no hooks between them. With {@code --probe tf-load} it only
 * times {@code TensorFlow.version()} from {@code main} (the native library's load in a fresh JVM, for reference).
 * Usage: {@code [--run-file samples/text-classification/run.conf] [--probe tf-load]}.
 */
public final class ColdStart {
    private ColdStart() {
    }

    public static void main(String[] commandLine) throws IOException {
        long mainMillis = System.currentTimeMillis();
        long mainNanos = System.nanoTime();
        long startMillis = ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli)
                .orElse(ManagementFactory.getRuntimeMXBean().getStartTime());
        VariantArguments arguments = VariantArguments.parse("cold-start", commandLine, java.util.Set.of("run-file", "probe"));
        if (arguments.text("probe", "").equals("tf-load")) {
            String version = org.tensorflow.TensorFlow.version();
            new VariantReport().put("variant", "tf-load").put("tensorflow", version)
                    .put("jvm_seconds", (mainMillis - startMillis) / 1e3)
                    .put("tf_load_seconds", (System.nanoTime() - mainNanos) / 1e9).print();
            return;
        }
        Path runFile = Path.of(arguments.text("run-file", "samples/text-classification/run.conf"));
        Path output = Files.createTempDirectory("trainer4j-cold-start");
        Clock clock = new Clock(startMillis, mainMillis, mainNanos);
        Trainer trainer = Trainer4j.fromFile(runFile, List.of("args.max-steps=1",
                "args.output-dir=\"" + output.toString().replace("\\", "/") + "\""));
        clock.assembled = System.nanoTime();
        trainer.addCallback(clock);
        trainer.train();
        throw new IllegalStateException("training ended without a first step end");
    }

    /** The phase times; prints and halts at the first step's end. */
    private static final class Clock implements Callback {
        private final long startMillis;
        private final long mainMillis;
        private final long mainNanos;
        private long assembled;
        private long trainBegin;
        private long stepBegin;

        Clock(long startMillis, long mainMillis, long mainNanos) {
            this.startMillis = startMillis;
            this.mainMillis = mainMillis;
            this.mainNanos = mainNanos;
        }

        @Override
        public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
            trainBegin = System.nanoTime();
        }

        @Override
        public void onStepBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
            if (stepBegin == 0) {
                stepBegin = System.nanoTime();
            }
        }

        @Override
        public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
            long end = System.nanoTime();
            double jvm = (mainMillis - startMillis) / 1e3;
            new VariantReport().put("variant", "cold-start")
                    .put("jvm_seconds", jvm)
                    .put("assemble_seconds", (assembled - mainNanos) / 1e9)
                    .put("to_train_begin_seconds", (trainBegin - assembled) / 1e9)
                    .put("to_first_step_seconds", (stepBegin - trainBegin) / 1e9)
                    .put("first_step_seconds", (end - stepBegin) / 1e9)
                    .put("total_seconds", jvm + (end - mainNanos) / 1e9)
                    .put("cpu_seconds", VariantReport.processCpuNanos() / 1e9)
                    .print();
            Runtime.getRuntime().halt(0);
        }
    }
}

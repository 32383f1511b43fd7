package dev.trainer4j.tf;

import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.models.MlpClassifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two fresh JVMs training the same run (dropout, random sampling, two intra- and two inter-op threads) log
 * bit-identical losses; another seed logs different ones.
 */
class TfTrainerDeterminismTest {
    private static final int STEPS = 30;
    private static final int FEATURES = 8;

    @Test
    void twoProcessesWithTheSameSeedLogBitIdenticalLosses(@TempDir Path directory) throws Exception {
        List<Process> processes = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        long[] seeds = {11, 11, 12};
        for (int i = 0; i < seeds.length; i++) {
            Path folder = Files.createDirectory(directory.resolve("child-" + i));
            logs.add(folder.resolve("losses.txt"));
            processes.add(launch(seeds[i], folder));
        }
        for (int i = 0; i < processes.size(); i++) {
            Process process = processes.get(i);
            Path folder = directory.resolve("child-" + i);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                processes.forEach(Process::destroyForcibly);
                throw new AssertionError("child " + i + " did not finish in 120 s; stderr:\n" + tail(folder.resolve("stderr.txt")));
            }
            assertThat(process.exitValue()).as("exit code of child %d; stderr:\n%s", i, tail(folder.resolve("stderr.txt")))
                    .isZero();
        }
        List<String> first = Files.readAllLines(logs.get(0));
        List<String> second = Files.readAllLines(logs.get(1));
        List<String> otherSeed = Files.readAllLines(logs.get(2));

        assertThat(first).hasSize(STEPS + 1);
        assertThat(first.get(0)).startsWith("step 1 loss ");
        assertThat(first.get(STEPS)).startsWith("logits ");
        assertThat(second).isEqualTo(first);
        assertThat(otherSeed).hasSize(STEPS + 1);
        for (int step = 0; step < STEPS; step++) {
            assertThat(otherSeed.get(step)).as("step %d of another seed", step + 1).isNotEqualTo(first.get(step));
        }
    }

    private static Process launch(long seed, Path folder) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        String cache = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (cache != null) {
            command.add("-Dorg.bytedeco.javacpp.cachedir=" + cache);
        }
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Child.class.getName());
        command.add(Long.toString(seed));
        command.add(folder.toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(folder.resolve("stdout.txt").toFile())
                .redirectError(folder.resolve("stderr.txt").toFile());
        builder.environment().put("TF_OVERRIDE_GLOBAL_THREADPOOL", "true");
        builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        return builder.start();
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        }
        catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    /** One child run: {@code Child <seed> <folder>} writes {@code losses.txt} (raw bits of every logged loss). */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) throws IOException {
            long seed = Long.parseLong(args[0]);
            Path folder = Path.of(args[1]);
            TrainingArguments arguments = TrainingArguments.builder()
                    .outputDir(folder.resolve("run").toString()).seed(seed)
                    .maxSteps(STEPS).perDeviceTrainBatchSize(8)
                    .optim(OptimizerType.ADAMW).learningRate(0.01).weightDecay(0.01)
                    .trainSamplingStrategy(SamplingStrategy.RANDOM)
                    .interOpThreads(2).intraOpThreads(2)
                    .loggingStrategy(IntervalStrategy.STEPS).loggingSteps(1)
                    .saveStrategy(SaveStrategy.NO)
                    .build();
            // the data are the same in every process (fixed seed); the run's seed drives init, dropout and shuffling
            MapDataset data = TfTrainerTestSupport.dataset(TfTrainerTestSupport.classification(64, FEATURES, 2024));
            MlpClassifier model = TfTrainerTestSupport.mlp(FEATURES, 16, 0.2);
            List<String> lines = new ArrayList<>();
            try (TfTrainer trainer = new TfTrainer(TrainerSpec.builder().args(arguments).model(model).trainDataset(data).build())) {
                trainer.train();
                for (Map<String, Object> entry : trainer.state().logHistory()) {
                    if (entry.containsKey("loss")) {
                        double loss = ((Number) entry.get("loss")).doubleValue();
                        double gradNorm = ((Number) entry.get("grad_norm")).doubleValue();
                        lines.add("step " + entry.get("step") + " loss " + Long.toHexString(Double.doubleToRawLongBits(loss))
                                + " grad_norm " + Long.toHexString(Double.doubleToRawLongBits(gradNorm)));
                    }
                }
                float[] logits = trainer.predict(data).predictions().get(MlpClassifier.LOGITS).floats();
                StringBuilder line = new StringBuilder("logits");
                for (int bits : TfTrainerTestSupport.bits(logits)) {
                    line.append(' ').append(Integer.toHexString(bits));
                }
                lines.add(line.toString());
            }
            Files.write(folder.resolve("losses.txt"), lines);
        }
    }
}

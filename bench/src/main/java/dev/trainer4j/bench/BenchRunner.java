package dev.trainer4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.trainer4j.bench.BenchStatistics.max;
import static dev.trainer4j.bench.BenchStatistics.median;
import static dev.trainer4j.bench.BenchStatistics.min;

/**
 * Runs the side-by-side benchmark: every variant in its own JVM (same classpath, same JVM flags, same environment
 * with {@code TF_OVERRIDE_GLOBAL_THREADPOOL=true}), interleaved per round with the order alternating, and prints the
 * medians, min-max and the trainer / plain-loop ratio per model. A short loss run first checks that both sides
 * compute the same losses bit for bit.
 *
 * <p>Options: {@code --rounds N} (5), {@code --seconds S} timed per run (3), {@code --warmup STEPS} (50),
 * {@code --warmup-seconds S} (2), {@code --jit-quiet-seconds S} (2; the clock starts after the warm-up steps and
 * seconds, once the JIT has compiled nothing for that long: see {@link TimedWindow}), {@code --models
 * mlp-small,mlp-large}, {@code --loss-steps N} (50; 0 skips the loss check), {@code --engine true}
 * (also time {@link EngineLoop}, the trainer's engine alone, in every round: it splits the trainer's cost into graph
 * and host loop), {@code --gemm-seconds S} (2; 0 skips the fp32 GEMM reading that says what machine this was),
 * {@code --gemm-shapes-seconds S} (0.5; 0 skips timing mlp-large's own MatMul shapes, {@link MlpGemmShapes}),
 * {@code --djl-classpath CP} (empty: no DJL; {@code bench/run} passes {@code bench/djl-peer}'s: then every round also
 * runs DJL-PyTorch with and without tuned glibc malloc, {@code dev.trainer4j.bench.djl.DjlMlp}, on the same blobs) and
 * {@code --omp-wait-policy P} (empty: libgomp's default; {@code PASSIVE} for DJL on a loaded machine).
 */
public final class BenchRunner {
    private static final double SMALL_TARGET = 1.5;
    private static final double LARGE_TARGET = 0.95;

    private final int rounds;
    private final double seconds;
    private final int warmup;
    private final double warmupSeconds;
    private final double jitQuietSeconds;
    private final List<BenchModel> models;
    private final int lossSteps;
    private final boolean withEngine;
    private final double gemmSeconds;
    private final Set<String> printedThreadLines = new LinkedHashSet<>();
    private final double gemmShapesSeconds;
    private final String djlClasspath;
    private final String ompWaitPolicy;
    private final Map<BenchModel, Path> blobFiles = new LinkedHashMap<>();
    static final String DJL = "djl-pytorch";
    static final String DJL_MALLOC = "djl-pytorch-malloc";

    private BenchRunner(int rounds, double seconds, int warmup, double warmupSeconds, double jitQuietSeconds,
                        List<BenchModel> models, int lossSteps, boolean withEngine, double gemmSeconds,
                        double gemmShapesSeconds, String djlClasspath, String ompWaitPolicy) {
        this.rounds = rounds;
        this.seconds = seconds;
        this.warmup = warmup;
        this.warmupSeconds = warmupSeconds;
        this.jitQuietSeconds = jitQuietSeconds;
        this.models = models;
        this.lossSteps = lossSteps;
        this.withEngine = withEngine;
        this.gemmSeconds = gemmSeconds;
        this.gemmShapesSeconds = gemmShapesSeconds;
        this.djlClasspath = djlClasspath;
        this.ompWaitPolicy = ompWaitPolicy;
    }

    public static void main(String[] commandLine) {
        int rounds = 5;
        double seconds = 3;
        int warmup = 50;
        double warmupSeconds = 2;
        double jitQuietSeconds = 2;
        int lossSteps = 50;
        boolean withEngine = false;
        double gemmSeconds = 2;
        double gemmShapesSeconds = 0.5;
        String djlClasspath = "";
        String ompWaitPolicy = "";
        List<BenchModel> models = List.of(BenchModel.values());
        for (int i = 0; i < commandLine.length; i += 2) {
            if (i + 1 >= commandLine.length) {
                throw new IllegalArgumentException("option " + commandLine[i] + " needs a value");
            }
            String value = commandLine[i + 1];
            switch (commandLine[i]) {
                case "--rounds" -> rounds = Integer.parseInt(value);
                case "--seconds" -> seconds = Double.parseDouble(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(value);
                case "--jit-quiet-seconds" -> jitQuietSeconds = Double.parseDouble(value);
                case "--loss-steps" -> lossSteps = Integer.parseInt(value);
                case "--engine" -> withEngine = Boolean.parseBoolean(value);
                case "--gemm-seconds" -> gemmSeconds = Double.parseDouble(value);
                case "--gemm-shapes-seconds" -> gemmShapesSeconds = Double.parseDouble(value);
                case "--djl-classpath" -> djlClasspath = value;
                case "--omp-wait-policy" -> ompWaitPolicy = value;
                case "--models" -> models = Arrays.stream(value.split(",")).map(String::trim).map(BenchModel::fromName).toList();
                default -> throw new IllegalArgumentException("unknown option " + commandLine[i]
                        + "; expected --rounds, --seconds, --warmup, --warmup-seconds, --jit-quiet-seconds, --models,"
                        + " --loss-steps, --engine, --gemm-seconds, --gemm-shapes-seconds, --djl-classpath or"
                        + " --omp-wait-policy");
            }
        }
        if (rounds < 1 || seconds <= 0 || warmup < 1 || warmupSeconds < 0 || jitQuietSeconds < 0 || lossSteps < 0
                || gemmSeconds < 0) {
            throw new IllegalArgumentException("need --rounds >= 1, --seconds > 0, --warmup >= 1, --warmup-seconds >= 0,"
                    + " --jit-quiet-seconds >= 0, --loss-steps >= 0, --gemm-seconds >= 0");
        }
        boolean identical = new BenchRunner(rounds, seconds, warmup, warmupSeconds, jitQuietSeconds, models, lossSteps,
                withEngine, gemmSeconds, gemmShapesSeconds, djlClasspath, ompWaitPolicy).run();
        System.exit(identical ? 0 : 2);
    }

    private boolean run() {
        System.out.printf(Locale.ROOT, "trainer4j bench: %d rounds, warm-up >= %d steps and >= %.1f s and until the JIT"
                        + " compiled nothing for %.1f s, >= %.1f s timed per run, %d cores, JDK %s, load average %s%n", rounds,
                warmup, warmupSeconds, jitQuietSeconds, seconds,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.version"), BenchMachine.loadAverage());
        System.out.println("cpu: " + BenchMachine.cpuDescription());
        System.out.println("environment of every variant: TF_ENABLE_ONEDNN_OPTS="
                + Optional.ofNullable(System.getenv("TF_ENABLE_ONEDNN_OPTS")).orElse("(unset: TensorFlow decides by CPU)")
                + ", TF_OVERRIDE_GLOBAL_THREADPOOL=true");
        if (gemmSeconds > 0) {
            int cores = Runtime.getRuntime().availableProcessors();
            StringBuilder gemm = new StringBuilder("fp32 MatMul 2048^3 (GemmPeak):");
            for (int threads : cores > 1 ? List.of(1, cores) : List.of(1)) {
                String line = launch(GemmPeak.class.getName(), List.of(Integer.toString(threads), Double.toString(gemmSeconds)))
                        .stream().filter(text -> text.startsWith("GEMM ")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("GemmPeak printed no GEMM line"));
                gemm.append(String.format(Locale.ROOT, " %s GFLOP/s with intra-op %d;", line.split(" ")[2], threads));
            }
            System.out.println(gemm.append(" the reference machine (AVX-512) reached 360 with 2"));
        }
        boolean identical = true;
        if (lossSteps > 0) {
            identical = checkLosses(BenchModel.MLP_SMALL);
        }
        Map<BenchModel, String> summaries = new LinkedHashMap<>();
        for (BenchModel model : models) {
            List<Double> trainer = new ArrayList<>();
            List<Double> plain = new ArrayList<>();
            List<Double> trainerCpu = new ArrayList<>();
            List<Double> plainCpu = new ArrayList<>();
            List<Double> engine = new ArrayList<>();
            Map<String, List<Double>> djl = new LinkedHashMap<>();
            Map<String, List<Double>> djlCpu = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                List<String> order = new ArrayList<>(List.of(TrainerVariant.NAME, PlainTfLoop.NAME));
                if (!djlClasspath.isBlank()) {
                    order.addAll(List.of(DJL, DJL_MALLOC));
                }
                if (round % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                if (withEngine) {
                    order.add(round % 3, EngineLoop.NAME);
                }
                Map<String, double[]> results = new LinkedHashMap<>();
                for (String variant : order) {
                    double[] result = timed(variant, model);
                    results.put(variant, result);
                    if (variant.equals(EngineLoop.NAME)) {
                        engine.add(result[0]);
                        continue;
                    }
                    if (variant.startsWith("djl")) {
                        djl.computeIfAbsent(variant, key -> new ArrayList<>()).add(result[0]);
                        djlCpu.computeIfAbsent(variant, key -> new ArrayList<>()).add(result[1]);
                        continue;
                    }
                    boolean isTrainer = variant.equals(TrainerVariant.NAME);
                    (isTrainer ? trainer : plain).add(result[0]);
                    (isTrainer ? trainerCpu : plainCpu).add(result[1]);
                }
                double[] t = results.get(TrainerVariant.NAME);
                double[] p = results.get(PlainTfLoop.NAME);
                double[] e = results.get(EngineLoop.NAME);
                System.out.printf(Locale.ROOT, "  %s round %d/%d (%s first): trainer %s, plain loop %s samples/s, ratio %.2f;"
                                + " per CPU-second %s vs %s;%s warm-up trainer %.0f s, plain loop %.0f s%s; load average %s%n",
                        model.configName(), round + 1, rounds, order.get(0), kilo(t[0]), kilo(p[0]), t[0] / p[0],
                        kilo(t[1]), kilo(p[1]), e == null ? "" : " engine alone " + kilo(e[0]) + ";", t[2], p[2],
                        e == null ? "" : String.format(Locale.ROOT, ", engine %.0f s", e[2]), BenchMachine.loadAverage());
                if (!djlClasspath.isBlank()) {
                    System.out.printf(Locale.ROOT, "  %s round %d/%d: DJL-PyTorch %s, with tuned malloc %s samples/s;"
                                    + " trainer / DJL %.2f, trainer / DJL tuned malloc %.2f%n", model.configName(), round + 1,
                            rounds, kilo(results.get(DJL)[0]), kilo(results.get(DJL_MALLOC)[0]), t[0] / results.get(DJL)[0],
                            t[0] / results.get(DJL_MALLOC)[0]);
                }
            }
            double ratio = median(trainer) / median(plain);
            String summary = String.format(Locale.ROOT,
                    "%s (%s, batch %d): trainer %s samples/s (%s-%s), plain TF Java loop %s (%s-%s),"
                            + " reference plain loop %s; per CPU-second: trainer %s (%s-%s), plain loop %s (%s-%s),"
                            + " ratio %.2f%n%s ratio %.2f (target >= %.2f: %s)",
                    model.configName(), model.layout(), model.batchSize(),
                    kilo(median(trainer)), kilo(min(trainer)), kilo(max(trainer)),
                    kilo(median(plain)), kilo(min(plain)), kilo(max(plain)), model.referenceBaseline(),
                    kilo(median(trainerCpu)), kilo(min(trainerCpu)), kilo(max(trainerCpu)),
                    kilo(median(plainCpu)), kilo(min(plainCpu)), kilo(max(plainCpu)),
                    median(trainerCpu) / median(plainCpu),
                    model.configName(), ratio, target(model), ratio >= target(model) ? "met" : "NOT met");
            if (withEngine) {
                summary += String.format(Locale.ROOT, "%n%s engine alone (pre-collated batches, no trainer loop): %s"
                                + " (%s-%s); engine / plain loop %.2f (graph and session path), trainer / engine %.2f"
                                + " (host loop)", model.configName(), kilo(median(engine)), kilo(min(engine)),
                        kilo(max(engine)), median(engine) / median(plain), median(trainer) / median(engine));
            }
            for (Map.Entry<String, List<Double>> entry : djl.entrySet()) {
                List<Double> cpu = djlCpu.get(entry.getKey());
                summary += String.format(Locale.ROOT, "%n%s %s (DJL 0.36.0 + PyTorch 2.7.1): %s samples/s (%s-%s), per"
                                + " CPU-second %s; trainer / %s %.2f, per CPU-second %.2f", model.configName(),
                        entry.getKey(), kilo(median(entry.getValue())), kilo(min(entry.getValue())),
                        kilo(max(entry.getValue())), kilo(median(cpu)), entry.getKey(),
                        median(trainer) / median(entry.getValue()), median(trainerCpu) / median(cpu));
            }
            if (model == BenchModel.MLP_LARGE && gemmShapesSeconds > 0) {
                summary += gemmAtStepShapes(model, median(trainer), median(plain));
            }
            summaries.put(model, summary);
        }
        System.out.println();
        System.out.println("== summary (medians of " + rounds + " interleaved rounds; min-max in parentheses) ==");
        summaries.values().forEach(System.out::println);
        return identical;
    }

    private static double target(BenchModel model) {
        return model == BenchModel.MLP_SMALL ? SMALL_TARGET : LARGE_TARGET;
    }

    /**
     * The loss runs. The math is the same on both sides, but the float rounding of the batch reductions depends on
     * how a step is split: the intra-op thread count changes how elementwise and reduction kernels shard their work,
     * and the trainer's towers (row slices of a batch, one per core for small models) sum the weight and bias
     * gradients per slice. So bit equality is checked at equal settings: the trainer at the plain loop's pinned intra
     * 2 / inter 1 / one tower (through its own {@code intra-op-threads}/{@code inter-op-threads}/{@code train-towers}
     * arguments), and the plain loop switched to the trainer's own choice (read from the trainer's log line). The
     * timed configurations (trainer by size vs plain pinned) are compared too, for the size of the difference.
     */
    private boolean checkLosses(BenchModel model) {
        String steps = Integer.toString(lossSteps);
        List<String> trainerOwnOutput = launch(TrainerVariant.class.getName(), model, "losses", steps);
        List<String> trainerOwn = trainerOwnOutput.stream().filter(line -> line.startsWith("LOSS ")).toList();
        String[] own = ownSettings(trainerOwnOutput);
        List<String> plainPinned = lossLines(PlainTfLoop.class.getName(), model, "losses", steps);
        List<String> trainerPinned = lossLines(TrainerVariant.class.getName(), model, "losses", steps, "2", "1", "1");
        List<String> plainOwn = lossLines(PlainTfLoop.class.getName(), model, "losses", steps, own[0], own[1], own[2]);
        if (!trainerPinned.isEmpty()) {
            System.out.println("  " + model.configName() + " loss step 1: " + trainerPinned.get(0).split(" ")[4]
                    + ", step " + lossSteps + ": " + trainerPinned.get(trainerPinned.size() - 1).split(" ")[4]);
        }
        boolean pinned = compareLosses("loss equality", "trainer with intra-op-threads 2 / inter-op-threads 1 /"
                + " train-towers 1 vs the plain loop as timed", trainerPinned, plainPinned);
        boolean equal = compareLosses("loss equality at the trainer's own settings", "trainer by size vs plain loop"
                + " switched to the same intra " + own[0] + " / inter " + own[1] + " / towers " + own[2], trainerOwn, plainOwn);
        compareLosses("timed configurations (for reference)", "trainer by size (intra " + own[0] + ", towers " + own[2]
                + ") vs plain loop pinned (intra 2, one tower); splitting changes the reduction order", trainerOwn, plainPinned);
        return pinned && equal;
    }

    /** The trainer's intra-op threads, inter-op threads and towers, from its engine's log line. */
    private static String[] ownSettings(List<String> output) {
        Pattern pattern = Pattern.compile("intra-op threads (-?\\d+), inter-op threads (-?\\d+), training towers (\\d+)");
        for (String line : output) {
            Matcher matcher = pattern.matcher(line);
            if (matcher.find()) {
                return new String[] {matcher.group(1), matcher.group(2), matcher.group(3)};
            }
        }
        throw new IllegalStateException("the trainer's loss run logged no thread settings:\n" + String.join("\n", output));
    }

    private List<String> lossLines(String mainClass, BenchModel model, String... arguments) {
        return launch(mainClass, model, arguments).stream().filter(line -> line.startsWith("LOSS ")).toList();
    }

    private boolean compareLosses(String label, String what, List<String> trainer, List<String> plain) {
        int identical = 0;
        double maxRelative = 0;
        String firstDifference = null;
        for (int i = 0; i < lossSteps; i++) {
            String[] t = i < trainer.size() ? trainer.get(i).split(" ") : null;
            String[] p = i < plain.size() ? plain.get(i).split(" ") : null;
            if (t != null && p != null && t[2].equals(p[2]) && t[3].equals(p[3])) {
                identical++;
                continue;
            }
            if (t != null && p != null) {
                float a = Float.intBitsToFloat(Integer.parseUnsignedInt(t[3], 16));
                float b = Float.intBitsToFloat(Integer.parseUnsignedInt(p[3], 16));
                maxRelative = Math.max(maxRelative, Math.abs(a - b) / Math.max(Math.abs(b), Float.MIN_NORMAL));
            }
            if (firstDifference == null) {
                firstDifference = "step " + (i + 1) + ": trainer " + (t == null ? "missing" : t[4] + " (" + t[3] + ")")
                        + ", plain loop " + (p == null ? "missing" : p[4] + " (" + p[3] + ")");
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d/%d steps bit-identical (%s)%s%n", label, identical, lossSteps, what,
                firstDifference == null ? "" : String.format(Locale.ROOT, "; first difference at %s; max relative"
                        + " difference %.2g", firstDifference, maxRelative));
        return identical == lossSteps;
    }

    private double[] timed(String variant, BenchModel model) {
        if (variant.startsWith("djl")) {
            return timedDjl(variant, model);
        }
        String mainClass = switch (variant) {
            case TrainerVariant.NAME -> TrainerVariant.class.getName();
            case EngineLoop.NAME -> EngineLoop.class.getName();
            default -> PlainTfLoop.class.getName();
        };
        List<String> output = launch(mainClass, model, "timed", Integer.toString(warmup), Double.toString(warmupSeconds),
                Double.toString(jitQuietSeconds), Double.toString(seconds));
        for (String line : output) {
            if (line.startsWith("RESULT ")) {
                String[] fields = line.split(" ");
                return new double[] {Double.parseDouble(fields[3]), Double.parseDouble(fields[6]),
                        Double.parseDouble(fields[7])};
            }
        }
        throw new IllegalStateException(variant + " on " + model.configName() + " printed no RESULT line:\n"
                + String.join("\n", output));
    }

    /**
     * One DJL-PyTorch run of {@code model} on the same Gaussian blobs (written once to a file the DJL JVM reads), with
     * DJL_OFFLINE, 2 intra-op and 1 inter-op threads, and the peers' glibc malloc settings for {@code djl-pytorch-malloc}.
     */
    private double[] timedDjl(String variant, BenchModel model) {
        Path blobs = blobFiles.computeIfAbsent(model, BenchRunner::writeBlobs);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms1g", "-Xmx2g", "-Dai.djl.pytorch.num_threads=2", "-Dai.djl.pytorch.num_interop_threads=1",
                "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", djlClasspath,
                "dev.trainer4j.bench.djl.DjlMlp", "--data", blobs.toString(), "--layout", model.layout().replace('-', ','),
                "--batch", Integer.toString(model.batchSize()), "--warmup", Integer.toString(warmup),
                "--warmup-seconds", Double.toString(warmupSeconds), "--jit-quiet-seconds", Double.toString(jitQuietSeconds),
                "--seconds", Double.toString(seconds), "--variant", variant));
        Map<String, String> environment = new LinkedHashMap<>(Map.of("DJL_OFFLINE", "true", "OPT_OUT_TRACKING", "true",
                "OMP_NUM_THREADS", "2"));
        if (variant.equals(DJL_MALLOC)) {
            environment.putAll(Map.of("MALLOC_MMAP_THRESHOLD_", "1073741824", "MALLOC_TRIM_THRESHOLD_", "4294967296",
                    "MALLOC_TOP_PAD_", "268435456"));
        }
        if (!ompWaitPolicy.isBlank()) {
            environment.put("OMP_WAIT_POLICY", ompWaitPolicy);
        }
        for (String line : run(command, environment)) {
            if (line.startsWith("RESULT ")) {
                Map<String, String> fields = new LinkedHashMap<>();
                for (String field : line.substring(7).trim().split(" +")) {
                    fields.put(field.substring(0, field.indexOf('=')), field.substring(field.indexOf('=') + 1));
                }
                return new double[] {Double.parseDouble(fields.get("samples_per_second")),
                        Double.parseDouble(fields.get("cpu_samples_per_second")), Double.parseDouble(fields.get("warmup_seconds"))};
            }
        }
        throw new IllegalStateException(variant + " on " + model.configName() + " printed no RESULT line");
    }

    /** The blobs of {@code model} as big-endian ints samples, inputs, the features as floats, the labels as ints. */
    private static Path writeBlobs(BenchModel model) {
        GaussianBlobs data = GaussianBlobs.generate(BenchModel.SAMPLES, model.inputSize(), model.numLabels(), BenchModel.SEED);
        try {
            Path file = Files.createTempFile("trainer4j-bench-" + model.configName(), ".bin");
            file.toFile().deleteOnExit();
            try (java.io.DataOutputStream out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(
                    Files.newOutputStream(file)))) {
                out.writeInt(data.samples());
                out.writeInt(model.inputSize());
                for (float value : data.features()) {
                    out.writeFloat(value);
                }
                for (int label : data.labels()) {
                    out.writeInt(label);
                }
            }
            return file;
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write the blobs of " + model.configName(), e);
        }
    }

    /**
     * mlp-large's GEMM efficiency at the step's own shapes: every MatMul of its step timed alone
     * ({@link MlpGemmShapes}, intra-op 2), their times summed (the step's time if it did only its GEMMs at these
     * speeds), against the trainer's and the plain loop's median step times.
     */
    private String gemmAtStepShapes(BenchModel model, double trainerSamples, double plainSamples) {
        List<String> output = launch(MlpGemmShapes.class.getName(), List.of(model.configName(), "2",
                Double.toString(gemmShapesSeconds)));
        StringBuilder text = new StringBuilder();
        for (String line : output) {
            if (line.startsWith("SHAPE ")) {
                text.append(String.format(Locale.ROOT, "%n  %s", line.substring(6)));
            }
            else if (line.startsWith("GEMMSTEP ")) {
                String[] fields = line.split(" ");
                double flops = Double.parseDouble(fields[2]);
                double gemmSeconds = Double.parseDouble(fields[3]);
                double trainerStep = model.batchSize() / trainerSamples;
                double plainStep = model.batchSize() / plainSamples;
                text.insert(0, String.format(Locale.ROOT, "%n%s GEMM efficiency at the step's own shapes: its MatMuls"
                                + " (%.3g FLOPs) alone take %.2f ms at %s GFLOP/s; the trainer's step takes %.2f ms"
                                + " (%.1f GFLOP/s of GEMM work, %.0f%% of the shapes' own speed), the plain loop's %.2f ms"
                                + " (%.0f%%):", model.configName(), flops, gemmSeconds * 1e3, fields[4], trainerStep * 1e3,
                        flops / trainerStep / 1e9, 100 * gemmSeconds / trainerStep, plainStep * 1e3,
                        100 * gemmSeconds / plainStep));
            }
        }
        return text.toString();
    }

    /** Runs one variant in a fresh JVM with this JVM's classpath and bench flags; returns its output lines. */
    private List<String> launch(String mainClass, BenchModel model, String... arguments) {
        List<String> all = new ArrayList<>();
        all.add(model.configName());
        all.addAll(List.of(arguments));
        List<String> lines = launch(mainClass, all);
        for (String line : lines) {
            if (line.contains("intra-op threads")) {
                String setting = model.configName() + ": " + line.substring(line.indexOf("tensorflow engine"));
                if (printedThreadLines.add(setting)) {
                    System.out.println("  " + setting);
                }
            }
        }
        return lines;
    }

    /** Runs {@code mainClass} in a fresh JVM with this JVM's classpath and bench flags; returns its output lines. */
    private List<String> launch(String mainClass, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms1g");
        command.add("-Xmx2g");
        String cacheDir = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (cacheDir != null) {
            command.add("-Dorg.bytedeco.javacpp.cachedir=" + cacheDir);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(arguments);
        // per-session thread pools (intra/inter-op from each session's ConfigProto), as in the tests
        return run(command, Map.of("TF_OVERRIDE_GLOBAL_THREADPOOL", "true", "TF_CPP_MIN_LOG_LEVEL", "2"));
    }

    /** Runs {@code command} with {@code environment} added to this JVM's; returns its output lines. */
    private static List<String> run(List<String> command, Map<String, String> environment) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        List<String> lines = new ArrayList<>();
        try {
            Process process = builder.start();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.add(line);
                }
            }
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + exit + ":\n" + String.join("\n", lines));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return lines;
    }

    private static String kilo(double samplesPerSecond) {
        return String.format(Locale.ROOT, "%.1fk", samplesPerSecond / 1000);
    }
}

package dev.trainer4j.bench.transformer;

import dev.trainer4j.bench.BenchMachine;
import dev.trainer4j.bench.BenchStatistics;
import dev.trainer4j.bench.GemmPeak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Issue 22's transformer benchmark ({@code bench/transformer}): the main job's transformer classifier trained by the
 * trainer through its public API, by a hand-written TF Java loop ({@link PlainTfTransformer}) and by DJL 0.36.0 +
 * PyTorch 2.7.1 (the {@code bench/djl-peer} module, with and without tuned glibc malloc), each run in its own JVM,
 * interleaved over rounds with the order reversed every other round; plus {@code trainer.evaluate} through the
 * default path, the path before issue 22 (one tower, intra-op 1, inter-op 2: the evaluation target's baseline) and
 * the replica-split path ({@code devices = 2}, mirrored) in every round. Prints per variant
 * samples/s, tokens/s, samples per CPU-second and peak RSS as median (min-max), the FLOPs per step with the achieved
 * GFLOP/s and the fraction of the fp32 MatMul peak ({@link GemmPeak}, 2048^3, 2 threads), and the ratios with issue
 * 22's targets. With {@code --lm true} (the default) every round also times the trainer and the hand-written loop on
 * the causal LM of the same sizes ({@code transformer-lm}, head tied to the word embeddings; no DJL or eval variant).
 * Before the rounds, {@code --cold-starts N} (3) fresh JVMs each time the main job from process start to the end of
 * its first step ({@link ColdStart}), each followed by a JVM that times TensorFlow's native load alone.
 *
 * <p>Before the rounds a loss check runs the trainer pinned like the plain loop (intra-op 2, inter-op 1, one tower),
 * dropout 0, and the plain loop from the trainer's initial weights on the same batches; the losses must agree within
 * {@link #LOSS_TOLERANCE} relative at every step. The timed runs use the main job's dropout 0.1 on every side.
 *
 * <p>Options (defaults): {@code --rounds 5 --seconds 3 --warmup 30 --warmup-seconds 2 --jit-quiet-seconds 1
 * --loss-steps 20 --eval true --eval-seconds 3 --gemm-seconds 2 --variants trainer,plain-tf,djl-pytorch,djl-pytorch-malloc
 * --djl-classpath <classpath of bench/djl-peer> --timeout 300 --omp-wait-policy "" --lm true --cold-starts 3
 * --run-file samples/text-classification/run.conf}; {@code --omp-wait-policy PASSIVE}
 * sets {@code OMP_WAIT_POLICY} for the DJL runs: on a loaded machine libtorch's spinning OpenMP threads otherwise slow
 * a step from tens of milliseconds to seconds. Exits with 2 when the loss check fails.
 */
public final class TransformerBenchRunner {
    /**
     * The loss check's tolerance: the largest relative difference of the per-step losses over the checked steps (20 by
     * default). Both sides run the same float32 math from the same weights on the same batches, so step 1 (the
     * initial weights' loss) agrees bit for bit. After that the graphs differ in form: the plain loop has static
     * shapes and slices the position table, the trainer has dynamic shapes and gathers it, so grappler and the
     * oneDNN rewrites may fuse or order a kernel differently and move a gradient element by a unit in the last place
     * (6e-8 relative). Adam divides by sqrt(v), so such differences reach the updates at about their own relative
     * size and add up over the steps: measured 5.4e-6 after 20 steps (dropout 0, intra-op 2, deterministic from run
     * to run). 1e-5 leaves a factor 2 for another machine's kernels.
     */
    static final double LOSS_TOLERANCE = 1e-5;
    static final String TRAINER = "trainer";
    static final String PLAIN = "plain-tf";
    static final String DJL = "djl-pytorch";
    static final String DJL_MALLOC = "djl-pytorch-malloc";
    static final String EVAL_DEFAULT = "eval-default";
    static final String EVAL_MIRRORED = "eval-mirrored";
    /** The evaluation path before issue 22 (one tower, intra-op 1, inter-op 2), the baseline of its eval target. */
    static final String EVAL_BEFORE = "eval-before";
    static final String COLD_START = "cold-start";
    static final String TF_LOAD = "tf-load";
    private static final double TARGET_VERSUS_PLAIN = 2.0;
    private static final double TARGET_VERSUS_DJL = 3.0;
    private static final double TARGET_PEAK_FRACTION = 0.35;
    private static final double TARGET_EVAL = 1.8;
    /** glibc malloc kept from returning freed memory to the kernel (the peers README's setting for DJL). */
    static final Map<String, String> TUNED_MALLOC = Map.of("MALLOC_MMAP_THRESHOLD_", "1073741824",
            "MALLOC_TRIM_THRESHOLD_", "4294967296", "MALLOC_TOP_PAD_", "268435456");

    private final Map<String, String> options;
    private final TransformerBenchModel model = TransformerBenchModel.MAIN_JOB;
    private final TransformerBenchModel lm = TransformerBenchModel.CAUSAL_LM;
    private final VariantLauncher launcher;
    private final String ownClasspath = System.getProperty("java.class.path");
    private final List<String> tfProperties = new ArrayList<>();
    private final Map<String, Map<String, List<Double>>> measured = new LinkedHashMap<>();
    private final Map<String, String> parameterCounts = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private Path data;

    private TransformerBenchRunner(Map<String, String> options) {
        this.options = options;
        this.launcher = new VariantLauncher(Long.parseLong(options.get("timeout")));
        String cacheDir = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (cacheDir != null) {
            tfProperties.add("-Dorg.bytedeco.javacpp.cachedir=" + cacheDir);
        }
    }

    public static void main(String[] commandLine) throws IOException {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("rounds", "5");
        options.put("seconds", "3");
        options.put("warmup", "30");
        options.put("warmup-seconds", "2");
        options.put("jit-quiet-seconds", "1");
        options.put("loss-steps", "20");
        options.put("eval", "true");
        options.put("eval-seconds", "3");
        options.put("gemm-seconds", "2");
        options.put("variants", String.join(",", TRAINER, PLAIN, DJL, DJL_MALLOC));
        options.put("djl-classpath", "");
        options.put("baseline-classpath", "");
        options.put("timeout", "300");
        options.put("omp-wait-policy", "");
        options.put("lm", "true");
        options.put("cold-starts", "3");
        options.put("run-file", "samples/text-classification/run.conf");
        for (int i = 0; i < commandLine.length; i += 2) {
            String key = commandLine[i].startsWith("--") ? commandLine[i].substring(2) : "";
            if (!options.containsKey(key) || i + 1 >= commandLine.length) {
                throw new IllegalArgumentException("bad option '" + commandLine[i] + "'"
                        + (i + 1 >= commandLine.length ? " (no value)" : "") + "; expected --key value with a key in "
                        + options.keySet());
            }
            options.put(key, commandLine[i + 1]);
        }
        boolean lossesAgree = new TransformerBenchRunner(options).run();
        System.exit(lossesAgree ? 0 : 2);
    }

    private boolean run() throws IOException {
        long started = System.nanoTime();
        int rounds = Integer.parseInt(options.get("rounds"));
        List<String> variants = Arrays.stream(options.get("variants").split(",")).map(String::trim)
                .filter(name -> !name.isEmpty()).toList();
        for (String variant : variants) {
            if (!List.of(TRAINER, PLAIN, DJL, DJL_MALLOC).contains(variant)) {
                throw new IllegalArgumentException("--variants: unknown variant '" + variant + "'; expected some of "
                        + List.of(TRAINER, PLAIN, DJL, DJL_MALLOC));
            }
        }
        if (options.get("djl-classpath").isBlank() && variants.stream().anyMatch(name -> name.startsWith("djl"))) {
            System.out.println("note: no --djl-classpath (build bench/djl-peer with -P peers): the DJL variants are skipped");
            variants = variants.stream().filter(name -> !name.startsWith("djl")).toList();
        }
        boolean withLm = Boolean.parseBoolean(options.get("lm"));
        System.out.printf(Locale.ROOT, "trainer4j transformer bench: %s; %d rounds, warm-up >= %s steps and >= %s s and"
                        + " a quiet JIT for %s s, >= %s s timed per run; %d cores, JDK %s, load average %s%n",
                model.describe(), rounds, options.get("warmup"), options.get("warmup-seconds"),
                options.get("jit-quiet-seconds"), options.get("seconds"), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.version"), BenchMachine.loadAverage());
        System.out.println("cpu: " + BenchMachine.cpuDescription());
        System.out.println("every variant: its own JVM with " + VariantLauncher.HEAP + "; TF variants with"
                + " TF_OVERRIDE_GLOBAL_THREADPOOL=true, TF_ENABLE_ONEDNN_OPTS=" + Optional.ofNullable(
                System.getenv("TF_ENABLE_ONEDNN_OPTS")).orElse("(unset)") + "; DJL with DJL_OFFLINE=true"
                + " OPT_OUT_TRACKING=true, 2 intra-op / 1 inter-op threads, OMP_WAIT_POLICY="
                + (options.get("omp-wait-policy").isBlank() ? "(unset: libgomp's default)" : options.get("omp-wait-policy"))
                + "; djl-pytorch-malloc adds " + TUNED_MALLOC);
        for (TransformerBenchModel sizes : withLm ? List.of(model, lm) : List.of(model)) {
            System.out.printf(Locale.ROOT, "%s parameters: %,d (%,d non-embedding, %,d embedding); FLOPs per step %.4g ="
                            + " 6 x %,d x %,d tokens + 12 x %d x %d x %d^2 x %d%s%n", sizes.shortName(),
                    sizes.parameters(), sizes.nonEmbeddingParameters(), sizes.embeddingParameters(), sizes.flopsPerStep(),
                    sizes.nonEmbeddingParameters(), sizes.tokensPerStep(), sizes.layers(), sizes.hidden(), sizes.length(),
                    sizes.batch(), sizes.task() == TransformerBenchModel.Task.CAUSAL_LM ? String.format(Locale.ROOT,
                            " + 6 x %,d x %d x %,d (the tied output projection)", sizes.vocabulary(), sizes.hidden(),
                            sizes.tokensPerStep()) : "");
        }

        Path directory = Files.createTempDirectory("trainer4j-transformer-bench");
        data = directory.resolve("text.bin");
        SyntheticText.generate(SyntheticText.TRAIN_SAMPLES, model.length(), model.vocabulary(), SyntheticText.SEED).write(data);

        double peak = gemmPeak();
        boolean checkLosses = Integer.parseInt(options.get("loss-steps")) > 0;
        boolean lossesAgree = !checkLosses || checkLosses(directory, model);
        if (withLm && checkLosses) {
            lossesAgree &= checkLosses(directory, lm);
        }
        boolean eval = Boolean.parseBoolean(options.get("eval"));
        int coldStarts = Integer.parseInt(options.get("cold-starts"));
        for (int i = 0; i < coldStarts; i++) {
            String cold = record(COLD_START, tfRun(ColdStart.class.getName(), List.of("--run-file", options.get("run-file"))));
            String probe = record(TF_LOAD, tfRun(ColdStart.class.getName(), List.of("--probe", "tf-load")));
            System.out.printf(Locale.ROOT, "cold start %d/%d: the main job to the end of its first step %s s (fresh JVM);"
                            + " TensorFlow's native load alone %s s; load average %s%n", i + 1, coldStarts,
                    lastValue(COLD_START, "total_seconds", cold), lastValue(TF_LOAD, "tf_load_seconds", probe), BenchMachine.loadAverage());
        }
        for (int round = 0; round < rounds; round++) {
            List<String> order = new ArrayList<>(variants);
            List<String> evalOrder = new ArrayList<>(List.of(EVAL_DEFAULT, EVAL_BEFORE, EVAL_MIRRORED));
            if (round % 2 == 1) {
                java.util.Collections.reverse(order);
                java.util.Collections.reverse(evalOrder);
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %d/%d:", round + 1, rounds));
            for (String variant : order) {
                line.append(' ').append(variant).append(' ').append(timed(model, variant)).append(';');
            }
            if (withLm) {
                for (String variant : round % 2 == 0 ? List.of(TRAINER, PLAIN) : List.of(PLAIN, TRAINER)) {
                    line.append(" lm ").append(variant).append(' ').append(timed(lm, variant)).append(';');
                }
            }
            if (eval) {
                for (String path : evalOrder) {
                    line.append(' ').append(path).append(' ').append(evaluate(path)).append(';');
                }
            }
            System.out.println(line.append(" load average ").append(BenchMachine.loadAverage()));
        }
        summary(variants, eval, peak, rounds, lossesAgree, withLm);
        System.out.printf(Locale.ROOT, "runner wall time %.0f s, load average at the end %s%n",
                (System.nanoTime() - started) / 1e9, BenchMachine.loadAverage());
        return lossesAgree;
    }

    /** The fp32 MatMul 2048^3 GFLOP/s with intra-op 2 (NaN when the probe fails). */
    private double gemmPeak() {
        double seconds = Double.parseDouble(options.get("gemm-seconds"));
        if (seconds <= 0) {
            return Double.NaN;
        }
        VariantLauncher.Run run = launcher.run(ownClasspath, tfProperties, tfEnvironment(), GemmPeak.class.getName(),
                List.of("2", Double.toString(seconds)));
        Optional<String> line = run.lines().stream().filter(text -> text.startsWith("GEMM ")).findFirst();
        if (line.isEmpty()) {
            failures.add("GemmPeak: " + run.failure().orElse("no GEMM line") + "\n" + run.tail(10));
            return Double.NaN;
        }
        double peak = Double.parseDouble(line.get().split(" ")[2]);
        System.out.printf(Locale.ROOT, "fp32 MatMul 2048^3 (GemmPeak): %.1f GFLOP/s with intra-op 2%n", peak);
        return peak;
    }

    /**
     * The trainer pinned (intra-op 2, inter-op 1, one tower) and the trainer with its own choice, both dropout 0,
     * against the plain loop started from the trainer's initial weights.
     */
    private boolean checkLosses(Path directory, TransformerBenchModel sizes) {
        String steps = options.get("loss-steps");
        Path weights = directory.resolve("initial-weights-" + sizes.shortName() + ".bin");
        List<String> common = List.of("--data", data.toString(), "--mode", "losses", "--loss-steps", steps, "--dropout", "0",
                "--task", sizes.shortName());
        List<String> pinned = new ArrayList<>(common);
        pinned.addAll(List.of("--weights-out", weights.toString(), "--intra", "2", "--inter", "1", "--towers", "1"));
        VariantLauncher.Run trainerPinned = tfRun(TrainerTransformer.class.getName(), pinned);
        List<String> plainArguments = new ArrayList<>(common);
        plainArguments.addAll(List.of("--weights-in", weights.toString()));
        VariantLauncher.Run plain = trainerPinned.failure().isPresent() ? trainerPinned
                : tfRun(PlainTfTransformer.class.getName(), plainArguments);
        VariantLauncher.Run trainerOwn = tfRun(TrainerTransformer.class.getName(), common);
        engineLine(trainerOwn).ifPresent(text -> System.out.println(sizes.shortName() + ": the trainer's own choice: " + text));
        boolean agree = compare(sizes.shortName() + " loss check (dropout 0, same initial weights and batches): trainer pinned to intra-op 2"
                + " / inter-op 1 / 1 tower vs plain-tf", trainerPinned, plain, true);
        compare(sizes.shortName() + " for reference: trainer with its own threads and towers vs plain-tf (splitting a batch changes the"
                + " reduction order)", trainerOwn, plain, false);
        return agree;
    }

    private boolean compare(String label, VariantLauncher.Run trainer, VariantLauncher.Run plain, boolean checked) {
        Optional<String> failure = trainer.failure().or(plain::failure);
        List<String> a = trainer.lossLines();
        List<String> b = plain.lossLines();
        int steps = Integer.parseInt(options.get("loss-steps"));
        if (failure.isPresent() || a.size() != steps || b.size() != steps) {
            String text = label + ": FAILED to run (" + failure.orElse("missing LOSS lines") + ")\n"
                    + (trainer.failure().isPresent() ? trainer.tail(15) : plain.tail(15));
            System.out.println(text);
            if (checked) {
                failures.add(text);
            }
            return false;
        }
        List<Double> trainerLosses = a.stream().map(line -> Double.parseDouble(line.split(" ")[3])).toList();
        List<Double> plainLosses = b.stream().map(line -> Double.parseDouble(line.split(" ")[3])).toList();
        long identical = java.util.stream.IntStream.range(0, steps)
                .filter(i -> a.get(i).split(" ")[2].equals(b.get(i).split(" ")[2])).count();
        double difference = BenchStatistics.maxRelativeDifference(trainerLosses, plainLosses);
        boolean agree = difference <= LOSS_TOLERANCE;
        System.out.printf(Locale.ROOT, "%s: %d steps, loss %.6f -> %.6f (trainer) vs %.6f -> %.6f (plain-tf);"
                        + " %d/%d bit-identical; max relative difference %.2g%s%n", label, steps, trainerLosses.get(0),
                trainerLosses.get(steps - 1), plainLosses.get(0), plainLosses.get(steps - 1), identical, steps,
                difference, checked ? String.format(Locale.ROOT, " (tolerance %.0e: %s)", LOSS_TOLERANCE,
                        agree ? "agree" : "DIFFERENT") : "");
        return agree;
    }

    /** One timed run of {@code variant}: its samples/s for the round line, and every measurement kept. */
    private String timed(TransformerBenchModel sizes, String variant) {
        List<String> arguments = new ArrayList<>(List.of("--data", data.toString(), "--task", sizes.shortName(), "--mode", "timed",
                "--warmup", options.get("warmup"), "--warmup-seconds", options.get("warmup-seconds"),
                "--jit-quiet-seconds", options.get("jit-quiet-seconds"), "--seconds", options.get("seconds"),
                "--dropout", Double.toString(TransformerBenchModel.MAIN_JOB_DROPOUT)));
        VariantLauncher.Run run = switch (variant) {
            case TRAINER -> tfRun(TrainerTransformer.class.getName(), arguments);
            case PLAIN -> tfRun(PlainTfTransformer.class.getName(), arguments);
            default -> djlRun(variant.equals(DJL_MALLOC), arguments);
        };
        if (variant.equals(TRAINER)) {
            engineLine(run).ifPresent(text -> parameterCounts.putIfAbsent(key(sizes, "trainer engine"), text));
        }
        return record(key(sizes, variant), run);
    }

    private String evaluate(String path) {
        List<String> arguments = new ArrayList<>(List.of("--data", data.toString(), "--mode", "eval", "--eval-path",
                path.equals(EVAL_MIRRORED) ? "mirrored" : "default", "--seconds", options.get("eval-seconds")));
        if (path.equals(EVAL_BEFORE)) {
            arguments.addAll(List.of("--towers", "1", "--intra", "1", "--inter", "2"));
        }
        // the path before may run an earlier build's classes (a worktree's bench/target), so that what changed since
        // on the evaluation path counts too; by default it is this build pinned to the earlier threads and towers
        String baseline = options.get("baseline-classpath");
        return record(path, path.equals(EVAL_BEFORE) && !baseline.isBlank()
                ? launcher.run(baseline, tfProperties, tfEnvironment(), TrainerTransformer.class.getName(), arguments)
                : tfRun(TrainerTransformer.class.getName(), arguments));
    }

    private String evalSummary(String path) {
        return BenchStatistics.summary(measured.getOrDefault(path, Map.of())
                .getOrDefault("samples_per_second", List.of()), 0);
    }

    /** The key of a variant's measurements: the variant, prefixed with {@code lm} for the causal LM. */
    private String key(TransformerBenchModel sizes, String variant) {
        return sizes == model ? variant : sizes.shortName() + " " + variant;
    }

    private String record(String variant, VariantLauncher.Run run) {
        Optional<Map<String, String>> result = run.result();
        if (run.failure().isPresent() || result.isEmpty()) {
            failures.add(variant + ": " + run.failure().orElse("no RESULT line") + "\n" + run.tail(15));
            return "FAILED";
        }
        Map<String, List<Double>> values = measured.computeIfAbsent(variant, key -> new LinkedHashMap<>());
        result.get().forEach((key, value) -> {
            try {
                values.computeIfAbsent(key, name -> new ArrayList<>()).add(Double.parseDouble(value));
            }
            catch (NumberFormatException e) {
                // a text field, e.g. the variant name
            }
        });
        if (result.get().containsKey("parameters")) {
            parameterCounts.putIfAbsent(variant, result.get().get("parameters") + " parameters ("
                    + result.get().get("non_embedding_parameters") + " non-embedding)");
        }
        String samples = result.get().get("samples_per_second");
        return samples == null ? "ok" : String.format(Locale.ROOT, "%.0f", Double.parseDouble(samples));
    }

    private void summary(List<String> variants, boolean eval, double peak, int rounds, boolean lossesAgree,
                         boolean withLm) {
        System.out.println();
        System.out.println("== summary: medians of " + rounds + " interleaved rounds (min-max) ==");
        parameterCounts.forEach((variant, text) -> System.out.println("  " + variant + ": " + text));
        System.out.println("  " + model.describe());
        variantLines(model, variants, peak);
        double flops = model.flopsPerStep();
        double trainer = median(TRAINER, "samples_per_second");
        double trainerFraction = trainer / model.batch() * flops / 1e9 / peak;
        System.out.println("  ratios (of medians):");
        System.out.println("    trainer / plain-tf: " + BenchStatistics.ratio(trainer, median(PLAIN, "samples_per_second"),
                TARGET_VERSUS_PLAIN) + "; per CPU-second " + BenchStatistics.ratio(median(TRAINER, "cpu_samples_per_second"),
                median(PLAIN, "cpu_samples_per_second"), 0));
        for (String djl : List.of(DJL, DJL_MALLOC)) {
            if (variants.contains(djl)) {
                System.out.println("    trainer / " + djl + ": " + BenchStatistics.ratio(trainer,
                        median(djl, "samples_per_second"), TARGET_VERSUS_DJL) + "; per CPU-second "
                        + BenchStatistics.ratio(median(TRAINER, "cpu_samples_per_second"),
                        median(djl, "cpu_samples_per_second"), 0));
            }
        }
        System.out.printf(Locale.ROOT, "    trainer fraction of the MatMul peak: %s (target >= %.0f%%: %s)%n",
                Double.isNaN(trainerFraction) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * trainerFraction),
                100 * TARGET_PEAK_FRACTION, Double.isNaN(trainerFraction) ? "n/a"
                        : trainerFraction >= TARGET_PEAK_FRACTION ? "met" : "NOT met");
        double trainerRss = median(TRAINER, "vmhwm_mb");
        double plainRss = median(PLAIN, "vmhwm_mb");
        System.out.printf(Locale.ROOT, "    peak RSS trainer / plain-tf: %s (target <= 1.00: %s)%n",
                BenchStatistics.ratio(trainerRss, plainRss, 0),
                Double.isNaN(trainerRss + plainRss) ? "n/a" : trainerRss <= plainRss ? "met" : "NOT met");
        if (eval) {
            double evalDefault = median(EVAL_DEFAULT, "samples_per_second");
            double evalBefore = median(EVAL_BEFORE, "samples_per_second");
            double evalMirrored = median(EVAL_MIRRORED, "samples_per_second");
            System.out.printf(Locale.ROOT, "  evaluate (batch %d, length %d, %s rows per pass): default path %s samples/s;"
                            + " the path before issue 22 (one tower, intra-op 1, inter-op 2) %s; replica split"
                            + " (mirrored, 2 logical CPU devices) %s%n",
                    TransformerBenchModel.EVAL_BATCH, model.length(),
                    measured.getOrDefault(EVAL_DEFAULT, Map.of()).getOrDefault("rows", List.of(Double.NaN)).get(0).intValue(),
                    evalSummary(EVAL_DEFAULT), evalSummary(EVAL_BEFORE), evalSummary(EVAL_MIRRORED));
            System.out.printf(Locale.ROOT, "    default / before: %s; mirrored / default %s%n",
                    BenchStatistics.ratio(evalDefault, evalBefore, TARGET_EVAL),
                    BenchStatistics.ratio(evalMirrored, evalDefault, 0));
        }
        if (withLm) {
            System.out.println("  " + lm.describe());
            variantLines(lm, List.of(TRAINER, PLAIN), peak);
            System.out.println("    lm trainer / plain-tf: " + BenchStatistics.ratio(median(key(lm, TRAINER), "samples_per_second"),
                    median(key(lm, PLAIN), "samples_per_second"), 0) + "; per CPU-second " + BenchStatistics.ratio(
                    median(key(lm, TRAINER), "cpu_samples_per_second"), median(key(lm, PLAIN), "cpu_samples_per_second"), 0)
                    + "; peak RSS " + BenchStatistics.ratio(median(key(lm, TRAINER), "vmhwm_mb"),
                    median(key(lm, PLAIN), "vmhwm_mb"), 0));
        }
        if (measured.containsKey(COLD_START)) {
            Map<String, List<Double>> cold = measured.get(COLD_START);
            double total = BenchStatistics.median(cold.getOrDefault("total_seconds", List.of()));
            System.out.printf(Locale.ROOT, "  cold start of the main job (%s, fresh JVM, to the end of step 1): %s s (target <= 3: %s);"
                            + " JVM %s, assemble (run file, plugins, tokenizer, data, trainer) %s, to onTrainBegin %s, to the"
                            + " first onStepBegin %s, first step %s; CPU %s s; TensorFlow's native load alone %s s%n",
                    options.get("run-file"), BenchStatistics.summary(cold.getOrDefault("total_seconds", List.of()), 2),
                    total <= 3 ? "met" : "NOT met",
                    BenchStatistics.summary(cold.getOrDefault("jvm_seconds", List.of()), 2),
                    BenchStatistics.summary(cold.getOrDefault("assemble_seconds", List.of()), 2),
                    BenchStatistics.summary(cold.getOrDefault("to_train_begin_seconds", List.of()), 2),
                    BenchStatistics.summary(cold.getOrDefault("to_first_step_seconds", List.of()), 2),
                    BenchStatistics.summary(cold.getOrDefault("first_step_seconds", List.of()), 2),
                    BenchStatistics.summary(cold.getOrDefault("cpu_seconds", List.of()), 2),
                    BenchStatistics.summary(measured.getOrDefault(TF_LOAD, Map.of()).getOrDefault("tf_load_seconds", List.of()), 2));
        }
        System.out.println("  loss check: " + (Integer.parseInt(options.get("loss-steps")) == 0 ? "skipped (--loss-steps 0)"
                : lossesAgree ? "agree" : "FAILED (see above)"));
        if (!failures.isEmpty()) {
            System.out.println("== failures (" + failures.size() + ") ==");
            failures.forEach(System.out::println);
        }
    }

    /** Per variant of {@code sizes}: samples/s, tokens/s, per CPU-second, peak RSS, GFLOP/s and the peak fraction. */
    private void variantLines(TransformerBenchModel sizes, List<String> variants, double peak) {
        double flops = sizes.flopsPerStep();
        for (String variant : variants) {
            Map<String, List<Double>> values = measured.getOrDefault(key(sizes, variant), Map.of());
            List<Double> samples = values.getOrDefault("samples_per_second", List.of());
            List<Double> tokens = samples.stream().map(value -> value * sizes.length()).toList();
            List<Double> gigaflops = samples.stream().map(value -> value / sizes.batch() * flops / 1e9).toList();
            double fraction = BenchStatistics.median(gigaflops) / peak;
            System.out.printf(Locale.ROOT, "  %-22s samples/s %s; tokens/s %s; samples per CPU-second %s; peak RSS %s MB;"
                            + " %s GFLOP/s = %s of the MatMul peak%n", key(sizes, variant), BenchStatistics.summary(samples, 1),
                    BenchStatistics.summary(tokens, 0),
                    BenchStatistics.summary(values.getOrDefault("cpu_samples_per_second", List.of()), 1),
                    BenchStatistics.summary(values.getOrDefault("vmhwm_mb", List.of()), 0),
                    BenchStatistics.summary(gigaflops, 1),
                    Double.isNaN(fraction) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * fraction));
        }
    }

    /** The latest value of {@code key} recorded for {@code variant}, or {@code failed} (the record's answer). */
    private String lastValue(String variant, String key, String recorded) {
        List<Double> values = measured.getOrDefault(variant, Map.of()).getOrDefault(key, List.of());
        return recorded.equals("FAILED") || values.isEmpty() ? "FAILED"
                : String.format(Locale.ROOT, "%.2f", values.get(values.size() - 1));
    }

    private double median(String variant, String key) {
        return BenchStatistics.median(measured.getOrDefault(variant, Map.of()).getOrDefault(key, List.of()));
    }

    private VariantLauncher.Run tfRun(String mainClass, List<String> arguments) {
        return launcher.run(ownClasspath, tfProperties, tfEnvironment(), mainClass, arguments);
    }

    private VariantLauncher.Run djlRun(boolean tunedMalloc, List<String> arguments) {
        Map<String, String> environment = new LinkedHashMap<>(Map.of("DJL_OFFLINE", "true", "OPT_OUT_TRACKING", "true",
                "OMP_NUM_THREADS", "2"));
        if (tunedMalloc) {
            environment.putAll(TUNED_MALLOC);
        }
        if (!options.get("omp-wait-policy").isBlank()) {
            environment.put("OMP_WAIT_POLICY", options.get("omp-wait-policy"));
        }
        List<String> all = new ArrayList<>(arguments);
        all.addAll(List.of("--variant", tunedMalloc ? DJL_MALLOC : DJL));
        return launcher.run(options.get("djl-classpath"), List.of("-Dai.djl.pytorch.num_threads=2",
                        "-Dai.djl.pytorch.num_interop_threads=1", "-Dai.djl.offline=true",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                environment, "dev.trainer4j.bench.djl.DjlTransformer", all);
    }

    private static Map<String, String> tfEnvironment() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("TF_OVERRIDE_GLOBAL_THREADPOOL", "true");
        environment.put("TF_CPP_MIN_LOG_LEVEL", "2");
        environment.put("TF_ENABLE_ONEDNN_OPTS", Optional.ofNullable(System.getenv("TF_ENABLE_ONEDNN_OPTS")).orElse("1"));
        return environment;
    }

    /** The trainer's log line with its threads and towers, if it logged one. */
    private static Optional<String> engineLine(VariantLauncher.Run run) {
        return run.lines().stream().filter(line -> line.contains("intra-op threads"))
                .map(line -> line.substring(line.indexOf("intra-op threads"))).findFirst();
    }
}

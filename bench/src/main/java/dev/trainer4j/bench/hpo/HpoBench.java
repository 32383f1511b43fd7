package dev.trainer4j.bench.hpo;

import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.SearchResult;
import dev.trainer4j.api.TrialResult;
import dev.trainer4j.api.TrialState;
import dev.trainer4j.runtime.Trainer4j;
import dev.trainer4j.search.RunFileSearch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The issue-23 comparisons on the bundled digits (samples/digits/data), with the space learning rate log 1e-4..1e-1,
 * weight decay 0..0.1, hidden size {32, 64, 128} and the final eval loss as objective (9 epochs, evaluation per
 * epoch):
 * <ol>
 *   <li>TPE with 20 trials against random search with 20 trials, for each of the search seeds given: the best eval
 *       loss of each;</li>
 *   <li>ASHA (by default eta 2 and the first rung at 1 evaluation, so rungs at 1, 2, 4 and 8 epochs) on the same
 *       random trials (random search draws a trial's parameters from (seed, trial number) only, so both searches try
 *       the same parameters): trials pruned, optimizer steps trained, and the best eval loss against the unpruned search.</li>
 * </ol>
 * Usage: {@code bench/hpo [seeds (5)] [trials (20)] [work dir (bench/target/hpo-bench)] [ASHA min-resource (1)]
 * [ASHA reduction-factor (2)]}.
 */
public final class HpoBench {
    private HpoBench() {
    }

    public static void main(String[] arguments) throws IOException {
        int seeds = arguments.length > 0 ? Integer.parseInt(arguments[0]) : 5;
        int trials = arguments.length > 1 ? Integer.parseInt(arguments[1]) : 20;
        Path work = Path.of(arguments.length > 2 ? arguments[2] : "bench/target/hpo-bench").toAbsolutePath();
        int minResource = arguments.length > 3 ? Integer.parseInt(arguments[3]) : 1;
        int reductionFactor = arguments.length > 4 ? Integer.parseInt(arguments[4]) : 2;
        Path data = Path.of("samples/digits/data").toAbsolutePath();
        Files.createDirectories(work);
        Path runFile = work.resolve("digits-search.conf");
        Files.writeString(runFile, """
                model { type = mlp-classifier, input-size = 64, hidden-sizes = [64], num-labels = 10, dropout = 0.0 }
                data {
                  train { type = jsonl, path = "%s/train.jsonl" }
                  eval { type = jsonl, path = "%s/validation.jsonl" }
                }
                args {
                  num-train-epochs = 9
                  per-device-train-batch-size = 64
                  per-device-eval-batch-size = 256
                  eval-strategy = epoch
                  save-strategy = no
                  logging-strategy = no
                  disable-progress = true
                  seed = 42
                }
                search {
                  trials = %d
                  space {
                    "args.learning-rate" { type = float, low = 1e-4, high = 1e-1, log = true }
                    "args.weight-decay" { type = float, low = 0, high = 0.1 }
                    "model.hidden-sizes" { type = categorical, choices = [[32], [64], [128]] }
                  }
                }
                """.formatted(data, data, trials));
        Trainer4j runtime = Trainer4j.create();
        List<String> lines = new ArrayList<>();
        int tpeWins = 0;
        for (int seed = 0; seed < seeds; seed++) {
            long start = System.nanoTime();
            SearchResult tpe = search(runtime, runFile, work.resolve("tpe-" + seed), "tpe", seed, "none");
            SearchResult random = search(runtime, runFile, work.resolve("random-" + seed), "random", seed, "none");
            SearchResult asha = search(runtime, runFile, work.resolve("asha-" + seed), "random", seed,
                    "asha, min-resource = " + minResource + ", reduction-factor = " + reductionFactor);
            double tpeBest = best(tpe);
            double randomBest = best(random);
            double ashaBest = best(asha);
            if (tpeBest < randomBest) {
                tpeWins++;
            }
            long prunedCount = asha.trials().stream().filter(t -> t.state() == TrialState.PRUNED).count();
            long ashaSteps = steps(asha);
            long fullSteps = steps(random);
            String line = String.format(Locale.ROOT, "seed %d: best eval_loss TPE %.4f, random %.4f (%s) | ASHA: %d of %d"
                            + " pruned, %d of %d steps (%.0f%%), best %.4f (%+.1f%% vs unpruned) | %.0f s",
                    seed, tpeBest, randomBest, tpeBest < randomBest ? "TPE lower" : "random lower", prunedCount,
                    asha.trials().size(), ashaSteps, fullSteps, 100.0 * ashaSteps / fullSteps, ashaBest,
                    100.0 * (ashaBest - randomBest) / randomBest, (System.nanoTime() - start) / 1e9);
            System.out.println(line);
            lines.add(line);
        }
        System.out.println();
        System.out.println("ASHA: reduction factor " + reductionFactor + ", first rung at " + minResource + " evaluation(s)");
        System.out.println("TPE reached a lower best eval loss than random search in " + tpeWins + " of " + seeds + " seeds");
        lines.forEach(System.out::println);
    }

    private static SearchResult search(Trainer4j runtime, Path runFile, Path outputDir, String sampler, int seed,
            String pruner) {
        return RunFileSearch.create(runtime, runFile, ConfigFactory.parseString("""
                args.output-dir = "%s"
                search { sampler = %s, seed = %d, pruner = %s }
                """.formatted(outputDir, sampler, seed, pruner))).run();
    }

    private static double best(SearchResult result) {
        return result.bestTrial().map(trial -> trial.objective().getAsDouble()).orElse(Double.NaN);
    }

    private static long steps(SearchResult result) {
        return result.trials().stream().mapToLong(TrialResult::trainedSteps).sum();
    }
}

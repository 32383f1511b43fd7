package dev.trainer4j.bench.hpo;

import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.SearchResult;
import dev.trainer4j.api.TrialState;
import dev.trainer4j.runtime.Trainer4j;
import dev.trainer4j.search.RunFileSearch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Issue 23's memory check: 50 short trials (each its own trainer, graph and session, closed when it ends) in one JVM
 * started with {@code -Xms} = {@code -Xmx} (bench/hpo-memory starts it so): the resident set size after the first 5
 * trials and after all 50. The search runs the first 5 trials, then resumes for the rest, so the RSS is read between
 * trials. Usage: {@code bench/hpo-memory [trials (50)] [first (5)]}; it prints both readings and the difference.
 */
public final class HpoMemoryBench {
    private HpoMemoryBench() {
    }

    public static void main(String[] arguments) throws IOException {
        int trials = arguments.length > 0 ? Integer.parseInt(arguments[0]) : 50;
        int first = arguments.length > 1 ? Integer.parseInt(arguments[1]) : 5;
        Path work = Files.createTempDirectory("hpo-memory");
        Path data = Path.of("samples/digits/data").toAbsolutePath();
        Path runFile = work.resolve("run.conf");
        Files.writeString(runFile, """
                model { type = mlp-classifier, input-size = 64, hidden-sizes = [64], num-labels = 10, dropout = 0.0 }
                data {
                  train { type = jsonl, path = "%s/train.jsonl" }
                  eval { type = jsonl, path = "%s/validation.jsonl" }
                }
                args {
                  output-dir = "%s/search"
                  max-steps = 10
                  per-device-train-batch-size = 32
                  eval-strategy = steps
                  eval-steps = 5
                  save-strategy = steps
                  save-steps = 10
                  logging-strategy = no
                  disable-progress = true
                }
                search {
                  sampler = random
                  space {
                    "args.learning-rate" { type = float, low = 1e-4, high = 1e-1, log = true }
                    "model.hidden-sizes" { type = categorical, choices = [[32], [64], [128]] }
                  }
                }
                """.formatted(data, data, work));
        Trainer4j runtime = Trainer4j.create();
        run(runtime, runFile, first, false);
        System.gc();
        long afterFirst = rssKilobytes();
        SearchResult all = run(runtime, runFile, trials, true);
        System.gc();
        long afterAll = rssKilobytes();
        long complete = all.trials().stream().filter(trial -> trial.state() == TrialState.COMPLETE).count();
        System.out.printf(Locale.ROOT, "max heap %d MB; %d trials (%d complete): RSS after %d trials %.1f MB, after %d trials"
                        + " %.1f MB, difference %+.1f MB%n", Runtime.getRuntime().maxMemory() >> 20, all.trials().size(), complete,
                first, afterFirst / 1024.0, trials, afterAll / 1024.0, (afterAll - afterFirst) / 1024.0);
    }

    private static SearchResult run(Trainer4j runtime, Path runFile, int trials, boolean resume) {
        return RunFileSearch.create(runtime, runFile, ConfigFactory.parseString(
                "search { trials = " + trials + ", resume = " + resume + " }")).run();
    }

    private static long rssKilobytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}

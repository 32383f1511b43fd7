package dev.trainer4j.search;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.SearchDirection;
import dev.trainer4j.api.SearchParameter;
import dev.trainer4j.api.SearchResult;
import dev.trainer4j.api.SearchSpace;
import dev.trainer4j.api.TrialResult;
import dev.trainer4j.api.TrialState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * {@value #FILE} in a search's output dir: the search's settings, every finished trial (number, parameters, state,
 * objective, failure message, intermediate objectives, trained steps, folder) and the best trial. Rewritten
 * atomically after every trial, so an interrupted search keeps what finished and {@code resume} reads it back.
 */
final class SearchResultsFile {
    /** The file name. */
    static final String FILE = "hpo_results.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SearchResultsFile() {
    }

    static void write(Path outputDir, Map<String, Object> settings, SearchResult result) {
        Map<String, Object> content = new LinkedHashMap<>(settings);
        List<Map<String, Object>> trials = new ArrayList<>();
        for (TrialResult trial : result.trials()) {
            trials.add(toMap(trial));
        }
        content.put("trials", trials);
        content.put("best_trial", result.bestTrial().map(SearchResultsFile::toMap).orElse(null));
        Path file = outputDir.resolve(FILE);
        Path temporary = outputDir.resolve("." + FILE + ".tmp");
        try {
            Files.createDirectories(outputDir);
            JSON.writeValue(temporary.toFile(), content);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static Map<String, Object> toMap(TrialResult trial) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("number", trial.number());
        map.put("state", trial.state().configName());
        map.put("parameters", trial.parameters());
        map.put("objective", trial.objective().isPresent() && Double.isFinite(trial.objective().getAsDouble())
                ? trial.objective().getAsDouble() : null);
        map.put("message", trial.message());
        map.put("intermediate", trial.intermediate().stream().map(v -> Double.isFinite(v) ? v : null).toList());
        map.put("trained_steps", trial.trainedSteps());
        map.put("output_dir", Trial.folderName(trial.number()));
        return map;
    }

    /** The settings a resumed search must share with the one it continues. */
    static Map<String, Object> settings(SearchSpace space, SearchDirection direction, String sampler, long seed, int trials) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("direction", direction.configName());
        settings.put("sampler", sampler);
        settings.put("seed", seed);
        settings.put("trials", trials);
        settings.put("space", space.parameters().stream().map(SearchResultsFile::describe).toList());
        return settings;
    }

    private static String describe(SearchParameter parameter) {
        return parameter.toString();
    }

    /**
     * The finished trials of the search in {@code outputDir}, or none when it has no results file.
     *
     * @throws ConfigurationException when the file belongs to a search with another space, sampler, seed or direction
     */
    static List<TrialResult> read(Path outputDir, Map<String, Object> settings, SearchSpace space) {
        Path file = outputDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        Map<String, Object> content;
        try {
            content = JSON.readValue(file.toFile(), new TypeReference<Map<String, Object>>() { });
        }
        catch (IOException e) {
            throw new ConfigurationException("search.resume", "search.resume: " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        for (String key : List.of("direction", "sampler", "seed", "space")) {
            Object stored = content.get(key);
            Object wanted = settings.get(key);
            if (!SearchValues.same(stored, wanted) && !String.valueOf(stored).equals(String.valueOf(wanted))) {
                throw new ConfigurationException("search.resume", "search.resume: " + file + " is from a search with "
                        + key + " = " + stored + ", this search has " + key + " = " + wanted
                        + "; resume the same search or choose another output-dir");
            }
        }
        List<TrialResult> trials = new ArrayList<>();
        Object stored = content.get("trials");
        if (stored instanceof List<?> list) {
            for (Object entry : list) {
                trials.add(fromMap((Map<?, ?>) entry, space));
            }
        }
        return trials;
    }

    private static TrialResult fromMap(Map<?, ?> map, SearchSpace space) {
        Map<?, ?> storedParameters = (Map<?, ?>) map.get("parameters");
        Map<String, Object> parameters = new LinkedHashMap<>();
        for (SearchParameter parameter : space.parameters()) {
            parameters.put(parameter.key(), normalise(parameter, storedParameters.get(parameter.key())));
        }
        Object objective = map.get("objective");
        List<Double> intermediate = new ArrayList<>();
        for (Object value : (List<?>) map.get("intermediate")) {
            intermediate.add(value == null ? Double.NaN : ((Number) value).doubleValue());
        }
        return new TrialResult(((Number) map.get("number")).intValue(), parameters,
                TrialState.parse((String) map.get("state")),
                objective == null ? OptionalDouble.empty() : OptionalDouble.of(((Number) objective).doubleValue()),
                String.valueOf(map.get("message")), intermediate, ((Number) map.get("trained_steps")).longValue());
    }

    /** A value read from JSON as the type the sampler gives: Double, Long, or the space's own choice object. */
    private static Object normalise(SearchParameter parameter, Object value) {
        if (parameter instanceof SearchParameter.FloatRange) {
            return ((Number) value).doubleValue();
        }
        if (parameter instanceof SearchParameter.IntRange) {
            return ((Number) value).longValue();
        }
        List<Object> choices = ((SearchParameter.Categorical) parameter).choices();
        int index = TpeParameterSampler.CategoricalEstimator.indexOf(choices, value);
        return index >= 0 ? choices.get(index) : value;
    }
}

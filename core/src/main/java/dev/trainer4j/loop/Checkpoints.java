package dev.trainer4j.loop;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.CheckpointException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trainer4j.api.TrainerState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoint folders in an output directory: {@code checkpoint-<global_step>/} holding {@code engine/} (backend
 * state), {@code trainer_state.json} (HF's fields), {@code trainer4j_state.json} (data position, loss accumulators,
 * scheduler, arguments) and {@code manifest.json} (every file's size and SHA-256, written last). Folders are found
 * by step and verified against their manifest; writing, rotation and deletion are in {@link CheckpointWriter}.
 * Hidden work folders ({@code .checkpoint-<step>.tmp-*}, {@code .old-*}, {@code .deleting-*}) are never checkpoints.
 */
public final class Checkpoints {
    public static final String PREFIX = "checkpoint-";
    public static final String TRAINER_STATE = "trainer_state.json";
    public static final String LOOP_STATE = "trainer4j_state.json";
    public static final String ENGINE_DIR = "engine";
    public static final String MANIFEST = CheckpointManifest.FILE;
    private static final Pattern NAME = Pattern.compile("^" + PREFIX + "(\\d+)$");
    private static final Pattern WORK_FOLDER = Pattern.compile("^\\." + PREFIX + "\\d+\\.(tmp|old|deleting)-[0-9a-f]+$");

    /**
     * The JSON mapper, made on first use: every run lists the output folder's checkpoints at its start, and a mapper
     * made with this class loaded Jackson (about 12 MB of allocation and its classes' metadata) also in runs that
     * write no checkpoint.
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

        private Json() {
        }
    }

    /** The newest checkpoint that verifies, and every newer one that was skipped with the reason (newest first). */
    public record Latest(Optional<Path> checkpoint, Map<Path, String> skipped) {
        public Latest {
            skipped = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(skipped));
        }
    }

    private Checkpoints() {
    }

    public static String name(long globalStep) {
        return PREFIX + globalStep;
    }

    /** The step of a checkpoint folder name, when it is one. */
    public static Optional<Long> step(Path folder) {
        Matcher matcher = NAME.matcher(folder.getFileName().toString());
        return matcher.matches() ? Optional.of(Long.parseLong(matcher.group(1))) : Optional.empty();
    }

    /** True for the writer's hidden work folders (unfinished saves, folders being replaced or deleted). */
    public static boolean isWorkFolder(Path folder) {
        return WORK_FOLDER.matcher(folder.getFileName().toString()).matches();
    }

    /** Every {@code checkpoint-N} folder of {@code outputDir}, by increasing N; empty when the folder is missing. */
    public static List<Path> list(Path outputDir) {
        return entries(outputDir, path -> Files.isDirectory(path) && step(path).isPresent()).stream()
                .sorted(Comparator.comparing(path -> step(path).orElseThrow()))
                .toList();
    }

    /** The writer's hidden work folders in {@code outputDir}. */
    public static List<Path> workFolders(Path outputDir) {
        return entries(outputDir, path -> Files.isDirectory(path) && isWorkFolder(path));
    }

    private static List<Path> entries(Path outputDir, java.util.function.Predicate<Path> filter) {
        if (!Files.isDirectory(outputDir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(outputDir)) {
            return entries.filter(filter).sorted().toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot list " + outputDir, e);
        }
    }

    /** Checks a checkpoint against its manifest: empty when intact, else what is wrong, naming the file. */
    public static Optional<String> verify(Path checkpoint) {
        return CheckpointManifest.verify(checkpoint);
    }

    /** The newest checkpoint of {@code outputDir} that verifies; newer damaged or unfinished ones are skipped. */
    public static Latest findLatest(Path outputDir) {
        List<Path> all = list(outputDir);
        Map<Path, String> skipped = new LinkedHashMap<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            Path candidate = all.get(i);
            Optional<String> problem = verify(candidate);
            if (problem.isEmpty()) {
                return new Latest(Optional.of(candidate), skipped);
            }
            skipped.put(candidate, problem.get());
        }
        return new Latest(Optional.empty(), skipped);
    }

    /**
     * HF's {@code _rotate_checkpoints} choice: of {@code checkpoints} (by increasing step), the ones to delete so that
     * the newest {@code limit} remain, protecting the one named {@code bestName} by moving it to the second-newest
     * position; with {@code limit == 1} and a best that is not the newest, two remain.
     */
    public static List<Path> selectForRotation(List<Path> checkpoints, int limit, Optional<String> bestName) {
        if (limit < 1) {
            throw new ConfigurationException("save-total-limit", limit, "an integer >= 1");
        }
        List<Path> sorted = new ArrayList<>(checkpoints);
        int bestIndex = -1;
        for (int i = 0; i < sorted.size() && bestName.isPresent(); i++) {
            if (sorted.get(i).getFileName().toString().equals(bestName.get())) {
                bestIndex = i;
            }
        }
        if (bestIndex >= 0) {
            for (int i = bestIndex; i < sorted.size() - 2; i++) {
                Path swap = sorted.get(i);
                sorted.set(i, sorted.get(i + 1));
                sorted.set(i + 1, swap);
            }
        }
        int keep = limit;
        if (bestIndex >= 0 && limit == 1 && !sorted.get(sorted.size() - 1).getFileName().toString().equals(bestName.get())) {
            keep = 2;
        }
        int delete = Math.max(0, sorted.size() - keep);
        return List.copyOf(sorted.subList(0, delete));
    }

    /** Writes {@code trainer_state.json} as HF's {@code save_to_json} does: sorted keys, indent 2. */
    public static void writeTrainerState(Path file, TrainerState state) {
        writeJson(file, state.toMap());
    }

    /** Reads a {@code trainer_state.json}; a missing file or a wrong value is an error naming the file. */
    public static TrainerState readTrainerState(Path file) {
        Map<String, Object> content = readJson(file);
        try {
            return TrainerState.fromMap(content);
        }
        catch (IllegalArgumentException e) {
            throw new CheckpointException(file, file + " is not a valid trainer_state.json: " + e.getMessage(), e);
        }
    }

    public static void writeJson(Path file, Map<String, Object> content) {
        try {
            Json.MAPPER.writeValue(file.toFile(), content);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static Map<String, Object> readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, "checkpoint file " + file + " is missing");
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), new TypeReference<Map<String, Object>>() { });
        }
        catch (IOException e) {
            throw new CheckpointException(file, file + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}

package dev.trainer4j.loop;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoint folders in an output directory: {@code checkpoint-<global_step>/}, written atomically (into a hidden
 * temporary folder next to the target, then renamed), found by step, and rotated by {@code save-total-limit}.
 */
public final class Checkpoints {
    public static final String PREFIX = "checkpoint-";
    public static final String TRAINER_STATE = "trainer_state.json";
    public static final String LOOP_STATE = "trainer4j_state.json";
    public static final String ENGINE_DIR = "engine";
    private static final Pattern NAME = Pattern.compile("^" + PREFIX + "(\\d+)$");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

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

    /** Every {@code checkpoint-N} folder of {@code outputDir}, by increasing N; empty when the folder is missing. */
    public static List<Path> list(Path outputDir) {
        if (!Files.isDirectory(outputDir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(outputDir)) {
            return entries.filter(Files::isDirectory).filter(path -> step(path).isPresent())
                    .sorted(Comparator.comparing(path -> step(path).orElseThrow()))
                    .toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot list " + outputDir, e);
        }
    }

    /** True when the folder holds both state files (a checkpoint that finished writing). */
    public static boolean isComplete(Path checkpoint) {
        return Files.isRegularFile(checkpoint.resolve(TRAINER_STATE)) && Files.isRegularFile(checkpoint.resolve(LOOP_STATE));
    }

    /** The newest complete checkpoint of {@code outputDir}. */
    public static Optional<Path> latest(Path outputDir) {
        List<Path> all = list(outputDir);
        for (int i = all.size() - 1; i >= 0; i--) {
            if (isComplete(all.get(i))) {
                return Optional.of(all.get(i));
            }
        }
        return Optional.empty();
    }

    /**
     * Writes a checkpoint atomically: {@code writer} fills a fresh temporary folder next to the target, which is then
     * renamed to {@code outputDir/checkpoint-<step>}. An existing folder of that name is replaced only after the new
     * one is complete. Returns the final folder.
     */
    public static Path writeAtomically(Path outputDir, long globalStep, Consumer<Path> writer) {
        Path target = outputDir.resolve(name(globalStep));
        String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        Path temporary = outputDir.resolve("." + name(globalStep) + ".tmp-" + suffix);
        try {
            Files.createDirectories(outputDir);
            Files.createDirectory(temporary);
            writer.accept(temporary);
            Path replaced = null;
            if (Files.exists(target)) {
                replaced = outputDir.resolve("." + name(globalStep) + ".old-" + suffix);
                move(target, replaced);
            }
            move(temporary, target);
            if (replaced != null) {
                deleteRecursively(replaced);
            }
            return target;
        }
        catch (IOException e) {
            deleteQuietly(temporary);
            throw new UncheckedIOException("cannot write checkpoint " + target, e);
        }
        catch (RuntimeException e) {
            deleteQuietly(temporary);
            throw e;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /**
     * HF's {@code _rotate_checkpoints}: keeps the newest {@code limit} checkpoints, protecting {@code best} by moving
     * it to the second-newest position; with {@code limit == 1} and a best that is not the newest, keeps two.
     * Returns the deleted folders.
     */
    public static List<Path> rotate(Path outputDir, int limit, Optional<Path> best) {
        List<Path> sorted = new ArrayList<>(list(outputDir));
        if (best.isPresent()) {
            int index = sorted.indexOf(best.get());
            if (index >= 0) {
                for (int i = index; i < sorted.size() - 2; i++) {
                    Path swap = sorted.get(i);
                    sorted.set(i, sorted.get(i + 1));
                    sorted.set(i + 1, swap);
                }
            }
        }
        int keep = limit;
        if (best.isPresent() && limit == 1 && !sorted.isEmpty() && !sorted.get(sorted.size() - 1).equals(best.get())
                && sorted.contains(best.get())) {
            keep = 2;
        }
        int delete = Math.max(0, sorted.size() - keep);
        List<Path> deleted = new ArrayList<>(sorted.subList(0, delete));
        for (Path path : deleted) {
            try {
                deleteRecursively(path);
            }
            catch (IOException e) {
                throw new UncheckedIOException("cannot delete old checkpoint " + path, e);
            }
        }
        return deleted;
    }

    public static void writeJson(Path file, Map<String, Object> content) {
        try {
            JSON.writeValue(file.toFile(), content);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static Map<String, Object> readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("checkpoint file " + file + " is missing");
        }
        try {
            return JSON.readValue(file.toFile(), new TypeReference<Map<String, Object>>() { });
        }
        catch (IOException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException exception) throws IOException {
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteQuietly(Path root) {
        try {
            deleteRecursively(root);
        }
        catch (IOException ignored) {
            // best effort: a leftover hidden temporary folder is never mistaken for a checkpoint
        }
    }
}

package dev.trainer4j.loop;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code manifest.json} of a checkpoint folder: every other file with its relative path ({@code /}-separated), size
 * and SHA-256. The writer adds it last, so a folder without a valid manifest is an unfinished or damaged save, and
 * {@link #verify} finds a missing, truncated or altered file.
 */
public final class CheckpointManifest {
    public static final String FILE = "manifest.json";
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One file of a checkpoint. */
    public record Entry(String path, long size, String sha256) {
    }

    private CheckpointManifest() {
    }

    /** Lists every regular file under {@code folder} except the manifest, sorted by relative path. */
    public static List<Entry> scan(Path folder) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).filter(path -> !folder.relativize(path).toString().equals(FILE))
                    .sorted().toList();
        }
        List<Entry> entries = new ArrayList<>();
        for (Path file : files) {
            entries.add(new Entry(relative(folder, file), Files.size(file), sha256(file)));
        }
        entries.sort((a, b) -> a.path().compareTo(b.path()));
        return entries;
    }

    /**
     * Writes the manifest of {@code folder}: forces every listed file to disk first, then writes and forces
     * {@code manifest.json}.
     */
    public static void write(Path folder, long globalStep) throws IOException {
        List<Entry> entries = scan(folder);
        for (Entry entry : entries) {
            Durability.forceFile(folder.resolve(entry.path()));
        }
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("format_version", FORMAT_VERSION);
        content.put("global_step", globalStep);
        List<Map<String, Object>> files = new ArrayList<>();
        for (Entry entry : entries) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("path", entry.path());
            file.put("size", entry.size());
            file.put("sha256", entry.sha256());
            files.add(file);
        }
        content.put("files", files);
        byte[] bytes = JSON.writeValueAsBytes(content);
        try (FileChannel channel = FileChannel.open(folder.resolve(FILE), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /**
     * Checks {@code checkpoint} against its manifest. Empty when every listed file is present with its size and
     * checksum; otherwise one sentence naming the file and what is wrong.
     */
    public static Optional<String> verify(Path checkpoint) {
        Path manifestFile = checkpoint.resolve(FILE);
        if (!Files.isDirectory(checkpoint)) {
            return Optional.of("the folder does not exist");
        }
        if (!Files.isRegularFile(manifestFile)) {
            return Optional.of(FILE + " is missing (the save did not finish, or the folder was not written by trainer4j)");
        }
        List<Map<String, Object>> files;
        try {
            Map<String, Object> content = JSON.readValue(manifestFile.toFile(), new TypeReference<Map<String, Object>>() { });
            files = readEntries(content);
        }
        catch (IOException | RuntimeException e) {
            return Optional.of(FILE + " is not a valid manifest: " + e.getMessage());
        }
        Path root = checkpoint.toAbsolutePath().normalize();
        for (Map<String, Object> file : files) {
            String path = String.valueOf(file.get("path"));
            Path resolved = root.resolve(path).normalize();
            if (!resolved.startsWith(root) || resolved.equals(root) || !(file.get("size") instanceof Number size)
                    || !(file.get("sha256") instanceof String expectedSha)) {
                return Optional.of(FILE + " has an invalid entry " + file);
            }
            if (!Files.isRegularFile(resolved)) {
                return Optional.of(path + " is missing");
            }
            try {
                long actualSize = Files.size(resolved);
                if (actualSize != size.longValue()) {
                    return Optional.of(path + " has " + actualSize + " bytes but the manifest says " + size.longValue()
                            + " (truncated or overwritten)");
                }
                String actualSha = sha256(resolved);
                if (!actualSha.equals(expectedSha)) {
                    return Optional.of(path + " has SHA-256 " + actualSha + " but the manifest says " + expectedSha
                            + " (its content changed)");
                }
            }
            catch (IOException e) {
                return Optional.of(path + " cannot be read: " + e);
            }
        }
        return Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> readEntries(Map<String, Object> content) {
        if (!(content.get("format_version") instanceof Number version) || version.intValue() != FORMAT_VERSION) {
            throw new IllegalArgumentException("format_version is " + content.get("format_version") + ", expected " + FORMAT_VERSION);
        }
        if (!(content.get("files") instanceof List<?> list)) {
            throw new IllegalArgumentException("it has no 'files' list");
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("a 'files' entry is not an object: " + item);
            }
            entries.add((Map<String, Object>) map);
        }
        return entries;
    }

    private static String relative(Path folder, Path file) {
        Path relative = folder.relativize(file);
        List<String> parts = new ArrayList<>();
        relative.forEach(part -> parts.add(part.toString()));
        return String.join("/", parts);
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM lacks SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int read;
            while ((read = in.read(buffer)) > 0) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}

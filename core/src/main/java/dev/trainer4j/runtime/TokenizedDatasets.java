package dev.trainer4j.runtime;

import dev.trainer4j.api.DataException;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Encoding;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.StreamingDataset;
import dev.trainer4j.api.Tokenizer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * Datasets whose text field is encoded by the run's {@link Tokenizer}: each example gets {@code input_ids}
 * ({@code int[]}, special tokens and truncation as the tokenizer does them) and keeps its other fields (labels
 * included); the raw text is dropped unless {@code keepText} (remove-unused-columns off).
 *
 * <p>A map-style dataset is encoded once, on first access, with {@link Tokenizer#encodeBatch} (in parallel, in chunks
 * of {@value #CHUNK} texts) and the ids are cached for the dataset's lifetime (memory bounded by the dataset size). A
 * stream is encoded chunk by chunk as it is read.
 */
public final class TokenizedDatasets {
    /** The field the token ids are written to (HF's name). */
    public static final String INPUT_IDS = "input_ids";

    static final int CHUNK = 1024;

    private TokenizedDatasets() {
    }

    /**
     * {@code dataset} with its {@code textField} encoded; a map-style dataset whose first example lacks the field
     * (or that is empty) is returned unchanged.
     *
     * @param description names the dataset in errors, e.g. {@code data.eval.test}
     */
    public static Dataset tokenize(Dataset dataset, Tokenizer tokenizer, String textField, boolean keepText,
            String description) {
        requireNonNull(dataset, "dataset is null");
        if (dataset instanceof MapDataset map) {
            if (map.size() == 0 || !map.get(0).has(textField)) {
                return map;
            }
            return new TokenizedMapDataset(map, tokenizer, textField, keepText, description);
        }
        return new TokenizedStreamingDataset((StreamingDataset) dataset, tokenizer, textField, keepText, description);
    }

    /** True when {@code dataset} is a wrapper made by {@link #tokenize}. */
    public static boolean isTokenized(Dataset dataset) {
        return dataset instanceof TokenizedMapDataset || dataset instanceof TokenizedStreamingDataset;
    }

    /** The texts of {@code field} of every example (a stream must know its size), for training a tokenizer. */
    static List<String> texts(Dataset dataset, String field, String description) {
        List<String> texts = new ArrayList<>();
        if (dataset instanceof MapDataset map) {
            for (int i = 0; i < map.size(); i++) {
                texts.add(text(map.get(i), field, i, description));
            }
            return texts;
        }
        StreamingDataset stream = (StreamingDataset) dataset;
        if (stream.knownSize().isEmpty()) {
            throw new DataException(description + " is a stream of unknown size, so the tokenizer cannot learn its"
                    + " vocabulary from it; give the tokenizer a saved vocabulary (path) or use a map-style dataset");
        }
        Iterator<Example> examples = stream.iterator(0, 0);
        int index = 0;
        while (examples.hasNext()) {
            texts.add(text(examples.next(), field, index++, description));
        }
        return texts;
    }

    static String text(Example example, String field, long index, String description) {
        if (!example.has(field)) {
            throw new DataException(description + ": example " + index + " has no text field '" + field
                    + "'; present: " + example.names() + "; set data.text-field (or the tokenizer's train-from) to the field holding the text");
        }
        Object value = example.get(field);
        if (!(value instanceof String text)) {
            throw new DataException(description + ": example " + index + " field '" + field + "' is a "
                    + value.getClass().getSimpleName() + ", expected a string");
        }
        return text;
    }

    static Example encoded(Example example, int[] ids, String textField, boolean keepText) {
        Map<String, Object> fields = new LinkedHashMap<>();
        example.fields().forEach((name, value) -> {
            if (keepText || !name.equals(textField)) {
                fields.put(name, value);
            }
        });
        fields.put(INPUT_IDS, ids);
        return Example.of(fields);
    }

    static int[][] encode(Tokenizer tokenizer, List<String> texts) {
        List<Encoding> encodings = tokenizer.encodeBatch(texts);
        if (encodings.size() != texts.size()) {
            throw new IllegalStateException("tokenizer returned " + encodings.size() + " encodings for " + texts.size() + " texts");
        }
        int[][] ids = new int[texts.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = encodings.get(i).ids();
        }
        return ids;
    }

    /** A map-style dataset encoded once, on first access. */
    static final class TokenizedMapDataset implements MapDataset {
        private final MapDataset source;
        private final Tokenizer tokenizer;
        private final String textField;
        private final boolean keepText;
        private final String description;
        private volatile int[][] ids;

        TokenizedMapDataset(MapDataset source, Tokenizer tokenizer, String textField, boolean keepText, String description) {
            this.source = requireNonNull(source, "source is null");
            this.tokenizer = requireNonNull(tokenizer, "tokenizer is null");
            this.textField = requireNonNull(textField, "textField is null");
            this.keepText = keepText;
            this.description = requireNonNull(description, "description is null");
        }

        @Override
        public int size() {
            return source.size();
        }

        @Override
        public Example get(int index) {
            return encoded(source.get(index), ids()[index], textField, keepText);
        }

        private int[][] ids() {
            int[][] local = ids;
            if (local == null) {
                synchronized (this) {
                    local = ids;
                    if (local == null) {
                        local = encodeAll();
                        ids = local;
                    }
                }
            }
            return local;
        }

        private int[][] encodeAll() {
            int size = source.size();
            int[][] all = new int[size][];
            for (int start = 0; start < size; start += CHUNK) {
                int end = Math.min(size, start + CHUNK);
                List<String> texts = new ArrayList<>(end - start);
                for (int i = start; i < end; i++) {
                    texts.add(text(source.get(i), textField, i, description));
                }
                System.arraycopy(encode(tokenizer, texts), 0, all, start, end - start);
            }
            return all;
        }
    }

    /** A stream encoded chunk by chunk; examples without the text field pass through unchanged. */
    static final class TokenizedStreamingDataset implements StreamingDataset {
        private final StreamingDataset source;
        private final Tokenizer tokenizer;
        private final String textField;
        private final boolean keepText;
        private final String description;

        TokenizedStreamingDataset(StreamingDataset source, Tokenizer tokenizer, String textField, boolean keepText,
                String description) {
            this.source = requireNonNull(source, "source is null");
            this.tokenizer = requireNonNull(tokenizer, "tokenizer is null");
            this.textField = requireNonNull(textField, "textField is null");
            this.keepText = keepText;
            this.description = requireNonNull(description, "description is null");
        }

        @Override
        public OptionalLong knownSize() {
            return source.knownSize();
        }

        @Override
        public Iterator<Example> iterator(int epoch, long seed) {
            Iterator<Example> examples = source.iterator(epoch, seed);
            return new Iterator<>() {
                private final Deque<Example> ready = new ArrayDeque<>();
                private long index;

                @Override
                public boolean hasNext() {
                    if (ready.isEmpty()) {
                        fill();
                    }
                    return !ready.isEmpty();
                }

                @Override
                public Example next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return ready.removeFirst();
                }

                private void fill() {
                    List<Example> chunk = new ArrayList<>();
                    List<String> texts = new ArrayList<>();
                    while (chunk.size() < CHUNK && examples.hasNext()) {
                        Example example = examples.next();
                        chunk.add(example);
                        if (example.has(textField)) {
                            texts.add(text(example, textField, index, description));
                        }
                        index++;
                    }
                    int[][] ids = encode(tokenizer, texts);
                    int next = 0;
                    for (Example example : chunk) {
                        ready.addLast(example.has(textField) ? encoded(example, ids[next++], textField, keepText) : example);
                    }
                }
            };
        }
    }
}

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
 * included); the raw text is dropped unless {@code keepText} (remove-unused-columns off). A text field that holds a
 * list of words (token classification data, HF's {@code is_split_into_words}) is encoded with
 * {@link Tokenizer#encodeWords} and the example also gets {@code word_ids} ({@code int[]}, parallel to
 * {@code input_ids}: the index of each token's word, {@link Encoding#NO_WORD} for special tokens), which a
 * token-classification collator uses to align word labels to tokens.
 *
 * <p>A map-style dataset is encoded once, on first access, with {@link Tokenizer#encodeBatch} (in parallel, in chunks
 * of {@value #CHUNK} texts) and the ids are cached for the dataset's lifetime (memory bounded by the dataset size). A
 * stream is encoded chunk by chunk as it is read.
 */
public final class TokenizedDatasets {
    /** The field the token ids are written to (HF's name). */
    public static final String INPUT_IDS = "input_ids";
    /** The field the word index of each token is written to, for texts split into words. */
    public static final String WORD_IDS = "word_ids";

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
                texts.add(input(map.get(i), field, i, description).joined());
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
            texts.add(input(examples.next(), field, index++, description).joined());
        }
        return texts;
    }

    /** The text of {@code field}: a string, or a list of words (strings). */
    static Input input(Example example, String field, long index, String description) {
        if (!example.has(field)) {
            throw new DataException(description + ": example " + index + " has no text field '" + field
                    + "'; present: " + example.names() + "; set data.text-field (or the tokenizer's train-from) to the field holding the text");
        }
        Object value = example.get(field);
        if (value instanceof String text) {
            return new Input(text, null);
        }
        List<?> items = value instanceof String[] array ? List.of(array) : value instanceof List<?> list ? list : null;
        if (items == null) {
            throw new DataException(description + ": example " + index + " field '" + field + "' is a "
                    + value.getClass().getSimpleName() + ", expected a string or a list of words (strings)");
        }
        List<String> words = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof String word)) {
                throw new DataException(description + ": example " + index + " field '" + field + "' item " + i + " is "
                        + (items.get(i) == null ? "null" : "a " + items.get(i).getClass().getSimpleName())
                        + ", expected a string (a list of words is encoded as a text split into words)");
            }
            words.add(word);
        }
        return new Input(null, List.copyOf(words));
    }

    static Example encoded(Example example, Encoded encoded, String textField, boolean keepText) {
        Map<String, Object> fields = new LinkedHashMap<>();
        example.fields().forEach((name, value) -> {
            if (keepText || !name.equals(textField)) {
                fields.put(name, value);
            }
        });
        fields.put(INPUT_IDS, encoded.ids());
        if (encoded.wordIds() != null) {
            fields.put(WORD_IDS, encoded.wordIds());
        }
        return Example.of(fields);
    }

    /** Texts in one {@link Tokenizer#encodeBatch} call, lists of words one by one (in parallel). */
    static Encoded[] encode(Tokenizer tokenizer, List<Input> inputs, String description) {
        List<String> texts = new ArrayList<>();
        for (Input input : inputs) {
            if (input.words() == null) {
                texts.add(input.text());
            }
        }
        List<Encoding> encodings = texts.isEmpty() ? List.of() : tokenizer.encodeBatch(texts);
        if (encodings.size() != texts.size()) {
            throw new IllegalStateException("tokenizer returned " + encodings.size() + " encodings for " + texts.size() + " texts");
        }
        Encoded[] result = new Encoded[inputs.size()];
        int next = 0;
        for (int i = 0; i < result.length; i++) {
            if (inputs.get(i).words() == null) {
                result[i] = new Encoded(encodings.get(next++).ids(), null);
            }
        }
        java.util.stream.IntStream.range(0, result.length).parallel()
                .filter(i -> inputs.get(i).words() != null)
                .forEach(i -> {
                    Encoding encoding;
                    try {
                        encoding = tokenizer.encodeWords(inputs.get(i).words());
                    }
                    catch (UnsupportedOperationException e) {
                        throw new DataException(description + ": the text field holds a list of words, but " + e.getMessage()
                                + "; give the text as a string or use a tokenizer that encodes words (hf, word-level, char-level)");
                    }
                    result[i] = new Encoded(encoding.ids(), encoding.wordIds());
                });
        return result;
    }

    /** A text or (when {@code words} is not null) a text split into words. */
    record Input(String text, List<String> words) {
        String joined() {
            return words == null ? text : String.join(" ", words);
        }
    }

    /** The ids of one example and, for a text split into words, the word of each token. */
    record Encoded(int[] ids, int[] wordIds) {
    }

    /** A map-style dataset encoded once, on first access. */
    static final class TokenizedMapDataset implements MapDataset {
        private final MapDataset source;
        private final Tokenizer tokenizer;
        private final String textField;
        private final boolean keepText;
        private final String description;
        private volatile Encoded[] encoded;

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
            return encoded(source.get(index), encodedAll()[index], textField, keepText);
        }

        private Encoded[] encodedAll() {
            Encoded[] local = encoded;
            if (local == null) {
                synchronized (this) {
                    local = encoded;
                    if (local == null) {
                        local = encodeAll();
                        encoded = local;
                    }
                }
            }
            return local;
        }

        private Encoded[] encodeAll() {
            int size = source.size();
            Encoded[] all = new Encoded[size];
            for (int start = 0; start < size; start += CHUNK) {
                int end = Math.min(size, start + CHUNK);
                List<Input> inputs = new ArrayList<>(end - start);
                for (int i = start; i < end; i++) {
                    inputs.add(input(source.get(i), textField, i, description));
                }
                System.arraycopy(encode(tokenizer, inputs, description), 0, all, start, end - start);
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
                    List<Input> inputs = new ArrayList<>();
                    while (chunk.size() < CHUNK && examples.hasNext()) {
                        Example example = examples.next();
                        chunk.add(example);
                        if (example.has(textField)) {
                            inputs.add(input(example, textField, index, description));
                        }
                        index++;
                    }
                    Encoded[] encodedChunk = encode(tokenizer, inputs, description);
                    int next = 0;
                    for (Example example : chunk) {
                        ready.addLast(example.has(textField) ? encoded(example, encodedChunk[next++], textField, keepText) : example);
                    }
                }
            };
        }
    }
}

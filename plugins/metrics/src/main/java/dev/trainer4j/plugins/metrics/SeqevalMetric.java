package dev.trainer4j.plugins.metrics;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DataException;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.Metric;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * Entity-level scores of token classification, as the {@code seqeval} package computes them in its default
 * (non-strict) mode and HF's {@code evaluate} reports them ({@code seqeval}): the class ids of labels {@code [N, T]}
 * and of predictions (logits {@code [N, T, C]} or ids {@code [N, T]}) are named by {@code label-names} (IOB2 tags
 * such as {@code O}, {@code B-PER}, {@code I-PER}; IOBES's {@code E-} and {@code S-} are read too), positions labelled
 * -100 are dropped (as HF's run_ner does before calling seqeval), and each sequence is split into entities (type,
 * first, last) with seqeval's chunking rules: an entity starts at a B-, at an I- after O or after another type, and
 * ends before O, B- or another type. An entity counts as correct when the same (type, first, last) is in the labels.
 *
 * <p>Results: {@code overall_precision} = correct / predicted entities, {@code overall_recall} = correct / true
 * entities, {@code overall_f1} their harmonic mean (micro over entities; 0 when a denominator is 0, seqeval's
 * zero_division default), {@code overall_accuracy} = equal tags / tags, and per entity type
 * {@code <TYPE>_precision}, {@code <TYPE>_recall}, {@code <TYPE>_f1}, {@code <TYPE>_number} (true entities). Keeps
 * counts only. An empty pass gives NaN.
 */
public final class SeqevalMetric implements Metric {
    private static final String OUTSIDE = "O";

    private final List<String> labelNames;
    private final char[] tags;
    private final String[] types;
    private final List<String> entityTypes;
    private final Map<String, long[]> counts = new LinkedHashMap<>();
    private long tokens;
    private long equalTokens;

    /** @param labelNames the tag of each class id, e.g. {@code [O, B-PER, I-PER, B-LOC, I-LOC]} */
    public SeqevalMetric(List<String> labelNames) {
        this.labelNames = List.copyOf(requireNonNull(labelNames, "labelNames is null"));
        if (this.labelNames.isEmpty()) {
            throw new ConfigurationException("label-names", "label-names is empty; expected the tag of every class"
                    + " id in order, e.g. [O, B-PER, I-PER]");
        }
        tags = new char[this.labelNames.size()];
        types = new String[this.labelNames.size()];
        Set<String> seen = new HashSet<>();
        Set<String> entityTypeSet = new TreeSet<>();
        for (int id = 0; id < tags.length; id++) {
            String name = this.labelNames.get(id);
            if (!seen.add(name)) {
                throw new ConfigurationException("label-names", "label-names: '" + name + "' appears twice; expected"
                        + " distinct tags");
            }
            if (name.equals(OUTSIDE)) {
                tags[id] = 'O';
                types[id] = "_";
            } else if (name.length() > 2 && "BIES".indexOf(name.charAt(0)) >= 0 && name.charAt(1) == '-') {
                tags[id] = name.charAt(0);
                types[id] = name.substring(2);
                entityTypeSet.add(types[id]);
            } else {
                throw new ConfigurationException("label-names", "label-names: '" + name + "' (class " + id
                        + ") is not an IOB2 tag; expected O or B-/I-/E-/S- followed by the entity type, e.g. B-PER");
            }
        }
        entityTypes = List.copyOf(entityTypeSet);
        reset();
    }

    static SeqevalMetric fromSettings(Config settings) {
        try {
            return new SeqevalMetric(settings.getStringList("label-names"));
        } catch (ConfigException.Missing missing) {
            throw new ConfigurationException("label-names", "label-names is missing; expected the tag of every class"
                    + " id in order, e.g. [O, B-PER, I-PER]");
        } catch (ConfigException.WrongType wrongType) {
            throw new ConfigurationException("label-names", settings.getValue("label-names").unwrapped(),
                    "a list of tags, e.g. [O, B-PER, I-PER]");
        }
    }

    @Override
    public String name() {
        return "seqeval";
    }

    @Override
    public Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>(List.of("overall_precision", "overall_recall", "overall_f1",
                "overall_accuracy"));
        for (String type : entityTypes) {
            keys.addAll(List.of(type + "_precision", type + "_recall", type + "_f1", type + "_number"));
        }
        return keys;
    }

    @Override
    public void reset() {
        counts.clear();
        for (String type : entityTypes) {
            counts.put(type, new long[3]); // true, predicted, correct
        }
        tokens = 0;
        equalTokens = 0;
    }

    @Override
    public void update(EvalPrediction batch) {
        requireNonNull(batch, "batch is null");
        MetricInputs.ClassIds ids = MetricInputs.sequenceClassIds(name(), batch);
        long[] shape = ids.labelShape();
        int rows = shape.length < 2 ? 1 : Math.toIntExact(shape[0]);
        int length = rows == 0 ? 0 : ids.actual().length / rows;
        for (int row = 0; row < rows; row++) {
            List<Integer> actual = new ArrayList<>();
            List<Integer> predicted = new ArrayList<>();
            for (int position = row * length; position < (row + 1) * length; position++) {
                int label = ids.actual()[position];
                if (label == MetricInputs.IGNORED_LABEL) {
                    continue;
                }
                actual.add(checked(label, "label", position));
                predicted.add(checked(ids.predicted()[position], "predicted class", position));
            }
            score(actual, predicted);
        }
    }

    private int checked(int id, String what, int position) {
        if (id < 0 || id >= tags.length) {
            throw new DataException(name() + ": " + what + " " + id + " at element " + position + " has no name in"
                    + " label-names (" + tags.length + " names); expected a class id in [0, " + tags.length + ")");
        }
        return id;
    }

    private void score(List<Integer> actual, List<Integer> predicted) {
        for (int i = 0; i < actual.size(); i++) {
            tokens++;
            if (actual.get(i).equals(predicted.get(i))) {
                equalTokens++;
            }
        }
        Set<Entity> trueEntities = entities(actual);
        Set<Entity> predictedEntities = entities(predicted);
        trueEntities.forEach(entity -> counts.get(entity.type())[0]++);
        for (Entity entity : predictedEntities) {
            counts.get(entity.type())[1]++;
            if (trueEntities.contains(entity)) {
                counts.get(entity.type())[2]++;
            }
        }
    }

    private record Entity(String type, int first, int last) {
    }

    /** seqeval's {@code get_entities} over one sequence (an O appended to close the last entity). */
    private Set<Entity> entities(List<Integer> sequence) {
        Set<Entity> entities = new LinkedHashSet<>();
        char previousTag = 'O';
        String previousType = "";
        int begin = 0;
        for (int i = 0; i <= sequence.size(); i++) {
            char tag = i < sequence.size() ? tags[sequence.get(i)] : 'O';
            String type = i < sequence.size() ? types[sequence.get(i)] : "_";
            if (endOfChunk(previousTag, tag, previousType, type)) {
                entities.add(new Entity(previousType, begin, i - 1));
            }
            if (startOfChunk(previousTag, tag, previousType, type)) {
                begin = i;
            }
            previousTag = tag;
            previousType = type;
        }
        return entities;
    }

    private static boolean endOfChunk(char previousTag, char tag, String previousType, String type) {
        return previousTag == 'E' || previousTag == 'S'
                || ((previousTag == 'B' || previousTag == 'I') && (tag == 'B' || tag == 'S' || tag == 'O'))
                || (previousTag != 'O' && !previousType.equals(type));
    }

    private static boolean startOfChunk(char previousTag, char tag, String previousType, String type) {
        return tag == 'B' || tag == 'S'
                || ((previousTag == 'E' || previousTag == 'S' || previousTag == 'O') && (tag == 'E' || tag == 'I'))
                || (tag != 'O' && !previousType.equals(type));
    }

    @Override
    public Map<String, Double> compute() {
        Map<String, Double> results = new LinkedHashMap<>();
        if (tokens == 0) {
            keys().forEach(key -> results.put(key, Double.NaN));
            return results;
        }
        long[] total = new long[3];
        counts.values().forEach(count -> {
            for (int i = 0; i < 3; i++) {
                total[i] += count[i];
            }
        });
        putScores(results, "overall", total);
        results.put("overall_accuracy", (double) equalTokens / tokens);
        for (String type : entityTypes) {
            long[] count = counts.get(type);
            putScores(results, type, count);
            results.put(type + "_number", (double) count[0]);
        }
        return results;
    }

    private static void putScores(Map<String, Double> results, String prefix, long[] count) {
        double precision = count[1] == 0 ? 0 : (double) count[2] / count[1];
        double recall = count[0] == 0 ? 0 : (double) count[2] / count[0];
        results.put(prefix + "_precision", precision);
        results.put(prefix + "_recall", recall);
        results.put(prefix + "_f1", precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
    }
}

package dev.trainer4j.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * How the variables of a source checkpoint map onto a model's variables when a run is initialised from other
 * weights (the first step of fine-tuning a pretrained model), like TF's {@code init_from_checkpoint} assignment map.
 *
 * <ul>
 *   <li><b>Prefix rewrites</b> rename source keys: the first rule whose {@code sourcePrefix} starts a source key
 *       replaces that prefix with {@code modelPrefix} (e.g. {@code bert/encoder/} → {@code encoder/}); keys no rule
 *       matches keep their name.</li>
 *   <li><b>Skip patterns</b> (globs: {@code *} within one path segment, {@code **} across segments, {@code ?} one
 *       character; or regular expressions) match the model variable name or the original source key. A skipped
 *       model variable keeps its initial value; a skipped source key is not reported as unexpected.</li>
 *   <li><b>Strict</b>: fail when a model variable has no source value or a source value has another shape;
 *       otherwise those are only reported and keep their initial values.</li>
 * </ul>
 *
 * @param rewrites prefix rewrites, tried in order
 * @param skips skip patterns as regular expressions (globs are converted by {@link #skipGlob})
 * @param strict fail on missing or mismatched variables instead of reporting them
 */
public record WeightMapping(List<PrefixRewrite> rewrites, List<Pattern> skips, boolean strict) {

    /** The identity mapping: same names, nothing skipped, not strict. */
    public static final WeightMapping IDENTITY = new WeightMapping(List.of(), List.of(), false);

    public WeightMapping {
        rewrites = List.copyOf(requireNonNull(rewrites, "rewrites is null"));
        skips = List.copyOf(requireNonNull(skips, "skips is null"));
    }

    /** One prefix rewrite: a source key starting with {@code sourcePrefix} gets {@code modelPrefix} instead. */
    public record PrefixRewrite(String sourcePrefix, String modelPrefix) {
        public PrefixRewrite {
            requireNonNull(sourcePrefix, "sourcePrefix is null");
            requireNonNull(modelPrefix, "modelPrefix is null");
            if (sourcePrefix.isEmpty() && modelPrefix.isEmpty()) {
                throw new IllegalArgumentException("a prefix rewrite needs a non-empty source or model prefix");
            }
        }
    }

    /** This mapping with one more prefix rewrite (tried after the existing ones). */
    public WeightMapping rewritePrefix(String sourcePrefix, String modelPrefix) {
        List<PrefixRewrite> more = new ArrayList<>(rewrites);
        more.add(new PrefixRewrite(sourcePrefix, modelPrefix));
        return new WeightMapping(more, skips, strict);
    }

    /** This mapping that also skips names matching {@code glob} ({@code *}, {@code **}, {@code ?}). */
    public WeightMapping skipGlob(String glob) {
        return skipRegex(globToRegex(requireNonNull(glob, "glob is null")));
    }

    /** This mapping that also skips names matching the regular expression {@code regex} (whole name). */
    public WeightMapping skipRegex(String regex) {
        requireNonNull(regex, "regex is null");
        List<Pattern> more = new ArrayList<>(skips);
        more.add(Pattern.compile(regex));
        return new WeightMapping(rewrites, more, strict);
    }

    /** This mapping with strict mode set. */
    public WeightMapping strict(boolean value) {
        return new WeightMapping(rewrites, skips, value);
    }

    /** The model variable name for {@code sourceKey} after the first matching rewrite. */
    public String modelName(String sourceKey) {
        requireNonNull(sourceKey, "sourceKey is null");
        for (PrefixRewrite rewrite : rewrites) {
            if (sourceKey.startsWith(rewrite.sourcePrefix())) {
                return rewrite.modelPrefix() + sourceKey.substring(rewrite.sourcePrefix().length());
            }
        }
        return sourceKey;
    }

    /** True when {@code name} matches a skip pattern. */
    public boolean skips(String name) {
        requireNonNull(name, "name is null");
        return skips.stream().anyMatch(pattern -> pattern.matcher(name).matches());
    }

    /** The regular expression of a glob: {@code **} any characters, {@code *} any but '/', {@code ?} one but '/'. */
    public static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                if (c == '?') {
                    regex.append("[^/]");
                }
                else if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    regex.append(".*");
                    i++;
                }
                else {
                    regex.append("[^/]*");
                }
            }
            else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return regex.toString();
    }

    /**
     * What an initialisation did, every list sorted by name.
     *
     * @param loaded model variables that got their source value
     * @param missing model variables with no source value (not skipped); they keep their initial values
     * @param unexpected source keys that map to no model variable (not skipped, engine state excluded)
     * @param mismatched model variables whose source value has another shape or type; they keep their initial values
     * @param skipped model variables left at their initial values by a skip pattern
     */
    public record Report(List<String> loaded, List<String> missing, List<String> unexpected,
                         List<ShapeMismatch> mismatched, List<String> skipped) {
        public Report {
            loaded = List.copyOf(requireNonNull(loaded, "loaded is null"));
            missing = List.copyOf(requireNonNull(missing, "missing is null"));
            unexpected = List.copyOf(requireNonNull(unexpected, "unexpected is null"));
            mismatched = List.copyOf(requireNonNull(mismatched, "mismatched is null"));
            skipped = List.copyOf(requireNonNull(skipped, "skipped is null"));
        }

        /** The names of the mismatched model variables. */
        public List<String> mismatchedNames() {
            return mismatched.stream().map(ShapeMismatch::name).toList();
        }

        /** The mismatch of model variable {@code name}, when there is one. */
        public Optional<ShapeMismatch> mismatch(String name) {
            return mismatched.stream().filter(mismatch -> mismatch.name().equals(name)).findFirst();
        }
    }

    /**
     * A model variable whose source value does not fit.
     *
     * @param name the model variable
     * @param sourceKey the source key mapped onto it
     * @param modelShape the variable's shape and type, e.g. {@code float32[4, 3]}
     * @param sourceShape the source value's shape and type
     */
    public record ShapeMismatch(String name, String sourceKey, String modelShape, String sourceShape) {
        public ShapeMismatch {
            requireNonNull(name, "name is null");
            requireNonNull(sourceKey, "sourceKey is null");
            requireNonNull(modelShape, "modelShape is null");
            requireNonNull(sourceShape, "sourceShape is null");
        }

        @Override
        public String toString() {
            return name + " (model " + modelShape + ", source '" + sourceKey + "' " + sourceShape + ")";
        }
    }
}

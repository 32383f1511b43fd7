package dev.trainer4j.plugins.metrics;

/**
 * The reproducibility signatures sacreBLEU prints for its metrics, in its key order ({@code nrefs} first,
 * {@code version} last). Every text metric here has one reference per row, so {@code nrefs:1}; the version is that of
 * the sacreBLEU whose output the tests' fixture holds.
 */
final class SacreBleuSignatures {
    /** The sacreBLEU release these ports follow and are checked against. */
    static final String VERSION = "2.6.0";

    private SacreBleuSignatures() {
    }

    static String bleu(boolean lowercase, boolean effectiveOrder, String tokenizer, String smoothing) {
        return "nrefs:1|case:" + (lowercase ? "lc" : "mixed") + "|eff:" + (effectiveOrder ? "yes" : "no") + "|tok:"
                + tokenizer + "|smooth:" + smoothing + "|version:" + VERSION;
    }

    static String chrf(boolean lowercase, boolean epsilonSmoothing, int characterOrder, int wordOrder,
                       boolean whitespace) {
        return "nrefs:1|case:" + (lowercase ? "lc" : "mixed") + "|eff:" + (epsilonSmoothing ? "no" : "yes") + "|nc:"
                + characterOrder + "|nw:" + wordOrder + "|space:" + (whitespace ? "yes" : "no") + "|version:" + VERSION;
    }

    static String ter(boolean caseSensitive, boolean normalized, boolean removePunctuation) {
        return "nrefs:1|case:" + (caseSensitive ? "mixed" : "lc") + "|tok:tercom|norm:" + (normalized ? "yes" : "no")
                + "|punct:" + (removePunctuation ? "no" : "yes") + "|asian:no|version:" + VERSION;
    }
}

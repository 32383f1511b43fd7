package dev.trainer4j.plugins.tokenizers;

import java.util.List;

/** The special tokens of the vocabulary tokenizers, at ids 0..4 in this order. */
public final class SpecialTokens {
    public static final String PAD = "[PAD]";
    public static final String UNK = "[UNK]";
    public static final String CLS = "[CLS]";
    public static final String SEP = "[SEP]";
    public static final String MASK = "[MASK]";

    public static final int PAD_ID = 0;
    public static final int UNK_ID = 1;
    public static final int CLS_ID = 2;
    public static final int SEP_ID = 3;
    public static final int MASK_ID = 4;

    /** All special tokens, index = id. */
    public static final List<String> ALL = List.of(PAD, UNK, CLS, SEP, MASK);

    private SpecialTokens() {
    }

    public static boolean isSpecial(int id) {
        return id >= 0 && id < ALL.size();
    }
}

package dev.trainer4j.plugins.tensorboard;

/**
 * HF's {@code rewrite_logs}: {@code eval_x → eval/x}, {@code test_x → test/x}, anything else {@code → train/x}.
 * A named evaluation set keeps its name in the scalar's name: {@code eval_val_loss → eval/val_loss}, exactly as HF
 * does, so TensorBoard groups every evaluation set's curves under one {@code eval} section.
 */
final class TensorBoardTags {
    static final String EVAL_PREFIX = "eval_";
    static final String TEST_PREFIX = "test_";

    private TensorBoardTags() {
    }

    /** The tag of a log value. */
    static String ofLogKey(String key) {
        if (key.startsWith(EVAL_PREFIX)) {
            return "eval/" + key.substring(EVAL_PREFIX.length());
        }
        if (key.startsWith(TEST_PREFIX)) {
            return "test/" + key.substring(TEST_PREFIX.length());
        }
        return "train/" + key;
    }
}

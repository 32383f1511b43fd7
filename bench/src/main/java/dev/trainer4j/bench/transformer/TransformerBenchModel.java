package dev.trainer4j.bench.transformer;

/**
 * The sizes of a benchmarked transformer: the main job's {@code transformer-classifier}
 * ({@code samples/text-classification/run.conf}: vocabulary 8000, hidden 64, 2 pre-LN layers, 4 heads, FFN 128, learned
 * positions up to 128, mean pooling, 2 labels) at batch 32 and length 64, or the causal LM ({@code transformer-lm},
 * the same sizes, the output projection tied to the word embeddings), and the FLOPs per training step of issue 22.
 *
 * @param task the classifier or the causal LM
 * @param vocabulary token ids
 * @param hidden the model width
 * @param layers encoder blocks
 * @param heads attention heads
 * @param intermediate the feed-forward width
 * @param maxPosition rows of the learned position table
 * @param length tokens per sequence (every batch is padded to it)
 * @param batch sequences per training step
 * @param labels classes
 */
public record TransformerBenchModel(Task task, int vocabulary, int hidden, int layers, int heads, int intermediate,
                                    int maxPosition, int length, int batch, int labels) {
    /** The main job's model at its training batch. */
    public static final TransformerBenchModel MAIN_JOB = new TransformerBenchModel(Task.CLASSIFIER, 8000, 64, 2, 4, 128, 128,
            64, 32, 2);
    /** The causal LM at the main job's sizes (labels: the vocabulary). */
    public static final TransformerBenchModel CAUSAL_LM = new TransformerBenchModel(Task.CAUSAL_LM, 8000, 64, 2, 4, 128, 128,
            64, 32, 8000);
    /** The main job's dropout rate (embeddings, attention probabilities, residual branches, pooled vector). */
    public static final double MAIN_JOB_DROPOUT = 0.1;
    /** The main job's layer-norm epsilon (the model's default). */
    public static final double LAYER_NORM_EPSILON = 1e-5;
    /** The main job's evaluation batch. */
    public static final int EVAL_BATCH = 128;

    /** What the model predicts. */
    public enum Task {
        /** {@code transformer-classifier}: one label per sequence. */
        CLASSIFIER,
        /** {@code transformer-lm}: the next token at every position, the head tied to the word embeddings. */
        CAUSAL_LM
    }

    public TransformerBenchModel {
        if (task == null || vocabulary <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || hidden % heads != 0 || intermediate <= 0
                || maxPosition < length || length <= 0 || batch <= 0 || labels <= 0) {
            throw new IllegalArgumentException("inconsistent transformer sizes " + this);
        }
    }

    /** {@code classifier} (the main job's) or {@code lm}. */
    public static TransformerBenchModel fromName(String name) {
        return switch (name) {
            case "classifier" -> MAIN_JOB;
            case "lm" -> CAUSAL_LM;
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; expected classifier or lm");
        };
    }

    /** {@code classifier} or {@code lm}. */
    public String shortName() {
        return task == Task.CLASSIFIER ? "classifier" : "lm";
    }

    /** The word and position tables. */
    public long embeddingParameters() {
        return ((long) vocabulary + maxPosition) * hidden;
    }

    /**
     * Every other parameter: per layer the query, key, value and output projections with biases, two LayerNorms and
     * the feed-forward pair with biases; then the final LayerNorm and the classifier (kernel and bias), or the LM
     * head's bias (its kernel is the word table).
     */
    public long nonEmbeddingParameters() {
        long h = hidden;
        long perLayer = 4 * (h * h + h) + 2 * (2 * h) + (h * intermediate + intermediate) + ((long) intermediate * h + h);
        long head = task == Task.CLASSIFIER ? h * labels + labels : vocabulary;
        return layers * perLayer + 2 * h + head;
    }

    public long parameters() {
        return embeddingParameters() + nonEmbeddingParameters();
    }

    /** Tokens per training step. */
    public long tokensPerStep() {
        return (long) batch * length;
    }

    /**
     * Issue 22's FLOPs per training step: 6 x non-embedding parameters x tokens (forward and backward of every dense
     * layer) + 12 x layers x hidden x length^2 x batch (the two attention products, forward and backward). The causal
     * LM adds 6 x vocabulary x hidden x tokens for its output projection, whose weights are the word table (an
     * embedding parameter by name, but a full product per token).
     */
    public double flopsPerStep() {
        double flops = 6.0 * nonEmbeddingParameters() * tokensPerStep()
                + 12.0 * layers * hidden * (double) length * length * batch;
        return task == Task.CAUSAL_LM ? flops + 6.0 * vocabulary * hidden * tokensPerStep() : flops;
    }

    /** e.g. {@code 2 layers, hidden 64, 4 heads, FFN 128, length 64, batch 32}. */
    public String describe() {
        return (task == Task.CLASSIFIER ? "transformer-classifier: " : "transformer-lm (tied head): ") + layers
                + " layers, hidden " + hidden + ", " + heads + " heads, FFN " + intermediate + ", length " + length
                + ", batch " + batch + ", vocabulary " + vocabulary;
    }
}

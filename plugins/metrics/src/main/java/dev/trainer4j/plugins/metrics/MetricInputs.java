package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.DataException;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.HostTensor;

import java.util.Arrays;
import java.util.List;

/**
 * Reads the predictions and labels of one batch the way the metrics of this plugin expect them.
 *
 * <p>Classification: the prediction is either logits shaped like the labels plus a class axis ({@code [N, C]} for
 * labels {@code [N]}; argmax, or a threshold ({@code threshold}, default 0) when {@code C == 1}), or integer class
 * ids shaped like the labels. A trailing axis of size 1 on labels or class ids is ignored, so {@code [N, 1]} and
 * {@code [N]} are the same. Labels are integers (floating labels must hold whole numbers); {@value #IGNORED_LABEL}
 * marks a position to ignore. Labels {@code [N, T]} with logits {@code [N, T, C]} (C >= 2) are positions of a
 * sequence, one class each. Labels {@code [N, L]} with predictions of the same shape are multilabel indicators (0 or
 * 1 per label, as scikit-learn's {@code multilabel-indicator}): integer predictions must be 0 or 1, floating ones
 * count as 1 when above {@code threshold}. Inputs that do not fit are refused with a {@link DataException} naming
 * the metric, both shapes and what was expected.
 *
 * <p>Sample weights come from a label tensor named by {@code sample-weight-column}: shaped like the labels (one weight
 * per position) or {@code [N]} (one per example, repeated over its positions); finite and >= 0.
 */
final class MetricInputs {
    /** The label value that marks a position to ignore, as in Hugging Face. */
    static final int IGNORED_LABEL = -100;

    private MetricInputs() {
    }

    /**
     * Predicted and true class ids, element by element in row-major order; ignored positions are kept (their label
     * is {@value #IGNORED_LABEL}) so that callers can group elements by row.
     *
     * @param predicted the predicted class per element
     * @param actual the true class per element, or {@value #IGNORED_LABEL}
     * @param labelShape the shape of the labels (a trailing axis of 1 removed)
     */
    record ClassIds(int[] predicted, int[] actual, long[] labelShape, double[] weights) implements ClassificationBatch {
        /** The weight of element {@code element}: 1 without sample weights. */
        double weight(int element) {
            return weights == null ? 1.0 : weights[element];
        }
    }

    /**
     * Multilabel indicators, row-major {@code [rows, columns]}.
     *
     * @param predicted 0 or 1 per label
     * @param actual 0 or 1 per label
     * @param weights one weight per row, or null (all 1)
     */
    record Indicators(byte[] predicted, byte[] actual, int rows, int columns, double[] weights)
            implements ClassificationBatch {
        double weight(int row) {
            return weights == null ? 1.0 : weights[row];
        }
    }

    /** A classification batch: class ids (one class per example or position) or multilabel indicators. */
    sealed interface ClassificationBatch permits ClassIds, Indicators {
    }

    /** Predicted and true values of a regression batch, flattened; {@code shape} is the common shape. */
    record Values(double[] predicted, double[] actual, long[] shape) {
    }

    static HostTensor labels(String metric, EvalPrediction batch) {
        return labels(metric, batch, "");
    }

    /** The label tensor; with a sample-weight column, the {@code labels} tensor or the only other label tensor. */
    static HostTensor labels(String metric, EvalPrediction batch, String weightColumn) {
        if (!weightColumn.isEmpty()) {
            if (batch.labels().containsKey("labels") && !weightColumn.equals("labels")) {
                return batch.labels().get("labels");
            }
            List<String> others = batch.labels().keySet().stream().filter(name -> !name.equals(weightColumn)).toList();
            if (others.size() == 1) {
                return batch.labels().get(others.get(0));
            }
        }
        return batch.labelIds().orElseThrow(() -> new DataException(metric
                + ": the evaluation data has no labels (label tensors: " + batch.labels().keySet()
                + "); this metric compares predictions with labels"));
    }

    /** Class ids of a single-label batch: multilabel-looking inputs are refused (see the class comment). */
    static ClassIds classIds(String metric, EvalPrediction batch) {
        return classIds(metric, batch, false);
    }

    /**
     * Class ids where each row of labels {@code [N, T]} is one sequence compared as a whole (exact match): labels
     * and class ids of the same shape are what the metric means, so they are not refused.
     */
    static ClassIds sequenceClassIds(String metric, EvalPrediction batch) {
        return classIds(metric, batch, true);
    }

    /**
     * Class ids or, when {@code multilabel} allows them, multilabel indicators, with the sample weights of
     * {@code settings}; multilabel-looking inputs are refused otherwise.
     */
    static ClassificationBatch classification(String metric, EvalPrediction batch, InputSettings settings,
            boolean multilabel) {
        HostTensor labels = labels(metric, batch, settings.sampleWeightColumn());
        HostTensor predictions = batch.primaryPrediction();
        long[] labelShape = withoutTrailingOne(labels.shape());
        if (labelShape.length == 2 && Arrays.equals(withoutTrailingOne(predictions.shape()), labelShape)) {
            if (!multilabel) {
                throw new DataException(metric + ": predictions " + predictions + " and labels " + labels
                        + " are multilabel indicators (labels with " + labelShape[1] + " columns), which " + metric
                        + " does not score (as scikit-learn). Expected labels [N] (one class per example) with logits"
                        + " [N, C] or class ids [N], or labels " + describe(labelShape) + " (one class per position)"
                        + " with logits " + describe(labelShape) + " + [C], C >= 2");
            }
            return indicators(metric, predictions, labels, labelShape, settings, batch);
        }
        ClassIds ids = classIds(metric, batch, labels, false, settings.threshold());
        double[] weights = settings.sampleWeightColumn().isEmpty() ? null
                : weights(metric, batch, settings.sampleWeightColumn(), labelShape, ids.actual().length);
        return new ClassIds(ids.predicted(), ids.actual(), ids.labelShape(), weights);
    }

    private static Indicators indicators(String metric, HostTensor predictions, HostTensor labels, long[] shape,
            InputSettings settings, EvalPrediction batch) {
        int rows = Math.toIntExact(shape[0]);
        int columns = Math.toIntExact(shape[1]);
        byte[] actual = new byte[rows * columns];
        byte[] predicted = new byte[rows * columns];
        boolean floating = predictions.dataType().isFloating();
        for (int element = 0; element < actual.length; element++) {
            double label = labels.getDouble(element);
            if (label != 0 && label != 1) {
                throw new DataException(metric + ": label " + describe(label) + " at element " + element + " of "
                        + labels + " is not a multilabel indicator; expected 0 or 1 (labels shaped like the"
                        + " predictions, " + describe(shape) + ", are multilabel indicators; for one class per"
                        + " position give logits " + describe(shape) + " + [C])");
            }
            actual[element] = (byte) label;
            double prediction = predictions.getDouble(element);
            if (floating) {
                predicted[element] = (byte) (prediction > settings.threshold() ? 1 : 0);
            } else if (prediction == 0 || prediction == 1) {
                predicted[element] = (byte) prediction;
            } else {
                throw new DataException(metric + ": predicted value " + describe(prediction) + " at element "
                        + element + " of " + predictions + " is not a multilabel indicator; expected 0 or 1 (or"
                        + " floating scores, positive above threshold = " + settings.threshold() + ")");
            }
        }
        double[] weights = settings.sampleWeightColumn().isEmpty() ? null
                : weights(metric, batch, settings.sampleWeightColumn(), new long[] {rows}, rows);
        return new Indicators(predicted, actual, rows, columns, weights);
    }

    /**
     * The sample weights of {@code column} for labels shaped {@code labelShape} ({@code elements} of them): shaped
     * like the labels, or one per example ({@code [N]}) repeated over each example's positions.
     */
    static double[] weights(String metric, EvalPrediction batch, String column, long[] labelShape, int elements) {
        HostTensor tensor = batch.labels().get(column);
        if (tensor == null) {
            throw new DataException(metric + ": sample-weight-column = '" + column + "' is not among the label"
                    + " tensors " + batch.labels().keySet() + "; list it in the run's label-names (args) so that"
                    + " the evaluation hands it to the metrics");
        }
        long[] shape = withoutTrailingOne(tensor.shape());
        int repeat;
        if (Arrays.equals(shape, labelShape)) {
            repeat = 1;
        } else if (shape.length == 1 && labelShape.length >= 1 && shape[0] == labelShape[0]) {
            repeat = labelShape[0] == 0 ? 1 : elements / Math.toIntExact(labelShape[0]);
        } else {
            throw new DataException(metric + ": sample weights " + tensor + " (sample-weight-column = '" + column
                    + "') do not fit labels shaped " + describe(labelShape) + "; expected " + describe(labelShape)
                    + " or [" + (labelShape.length == 0 ? 1 : labelShape[0]) + "]");
        }
        double[] weights = new double[elements];
        for (int element = 0; element < elements; element++) {
            double weight = tensor.getDouble(element / repeat);
            if (!(weight >= 0) || Double.isInfinite(weight)) {
                throw new DataException(metric + ": sample weight " + weight + " at element " + element / repeat
                        + " of " + tensor + " (sample-weight-column = '" + column + "') is not allowed; expected a"
                        + " finite number >= 0");
            }
            weights[element] = weight;
        }
        return weights;
    }

    private static ClassIds classIds(String metric, EvalPrediction batch, boolean rowsAreSequences) {
        return classIds(metric, batch, labels(metric, batch), rowsAreSequences, 0.0);
    }

    private static ClassIds classIds(String metric, EvalPrediction batch, HostTensor labels, boolean rowsAreSequences,
            double threshold) {
        HostTensor predictions = batch.primaryPrediction();
        long[] labelShape = withoutTrailingOne(labels.shape());
        if (!rowsAreSequences) {
            refuseMultilabel(metric, predictions, labels, labelShape);
        }
        int[] actual = labelIds(metric, labels);
        int count = actual.length;
        int[] predicted = new int[count];
        long[] predictionShape = predictions.shape();
        if (predictions.dataType().isFloating() && isLogitsShape(predictionShape, labelShape)) {
            int classes = Math.toIntExact(predictionShape[predictionShape.length - 1]);
            if (classes == 0) {
                throw shapeMismatch(metric, predictions, labels, "logits with at least one class");
            }
            for (int element = 0; element < count; element++) {
                predicted[element] = classes == 1
                        ? (predictions.getDouble(element) > threshold ? 1 : 0)
                        : argmax(predictions, element * classes, classes);
            }
        } else if (!predictions.dataType().isFloating()
                && Arrays.equals(withoutTrailingOne(predictionShape), labelShape)) {
            for (int element = 0; element < count; element++) {
                long id = predictions.getLong(element);
                if (id < 0 || id > Integer.MAX_VALUE) {
                    throw new DataException(metric + ": predicted class id " + id + " at element " + element
                            + " of " + predictions + " is not allowed; expected a class id >= 0");
                }
                predicted[element] = (int) id;
            }
        } else {
            throw shapeMismatch(metric, predictions, labels, "logits shaped " + describe(labelShape)
                    + " + [classes] (floating) or class ids shaped " + describe(labelShape) + " (integer)");
        }
        return new ClassIds(predicted, actual, labelShape, null);
    }

    /** Logits {@code [.., C]} for the labels, without the argmax; the caller ranks the classes. */
    static HostTensor logits(String metric, EvalPrediction batch, HostTensor labels) {
        HostTensor predictions = batch.primaryPrediction();
        long[] labelShape = withoutTrailingOne(labels.shape());
        refuseMultilabel(metric, predictions, labels, labelShape);
        if (!predictions.dataType().isFloating() || !isLogitsShape(predictions.shape(), labelShape)) {
            throw shapeMismatch(metric, predictions, labels,
                    "floating logits shaped " + describe(labelShape) + " + [classes]");
        }
        return predictions;
    }

    static Values values(String metric, EvalPrediction batch) {
        HostTensor labels = labels(metric, batch);
        HostTensor predictions = batch.primaryPrediction();
        long[] shape = withoutTrailingOne(labels.shape());
        if (!Arrays.equals(withoutTrailingOne(predictions.shape()), shape)) {
            throw shapeMismatch(metric, predictions, labels, "predictions shaped like the labels, "
                    + describe(shape) + " (a trailing axis of 1 is ignored)");
        }
        double[] predicted = new double[predictions.size()];
        double[] actual = new double[labels.size()];
        for (int element = 0; element < predicted.length; element++) {
            predicted[element] = predictions.getDouble(element);
            actual[element] = labels.getDouble(element);
        }
        return new Values(predicted, actual, shape);
    }

    /** Integer label ids; floating labels must be whole numbers. */
    static int[] labelIds(String metric, HostTensor labels) {
        int[] ids = new int[labels.size()];
        for (int element = 0; element < ids.length; element++) {
            double value = labels.getDouble(element);
            if (value != Math.rint(value) || value > Integer.MAX_VALUE
                    || (value < 0 && value != IGNORED_LABEL)) {
                throw new DataException(metric + ": label " + describe(value) + " at element " + element + " of "
                        + labels + " is not allowed; expected a class id >= 0 or " + IGNORED_LABEL + " (ignored)");
            }
            ids[element] = (int) value;
        }
        return ids;
    }

    /** The index of the first largest value among {@code classes} values from {@code offset}, like numpy. */
    static int argmax(HostTensor logits, int offset, int classes) {
        int best = 0;
        double bestValue = logits.getDouble(offset);
        for (int index = 1; index < classes; index++) {
            double value = logits.getDouble(offset + index);
            if (value > bestValue || (Double.isNaN(value) && !Double.isNaN(bestValue))) {
                best = index;
                bestValue = value;
                if (Double.isNaN(value)) {
                    break;
                }
            }
        }
        return best;
    }

    static long[] withoutTrailingOne(long[] shape) {
        if (shape.length >= 2 && shape[shape.length - 1] == 1) {
            return Arrays.copyOf(shape, shape.length - 1);
        }
        return shape;
    }

    private static boolean isLogitsShape(long[] predictionShape, long[] labelShape) {
        return predictionShape.length == labelShape.length + 1
                && Arrays.equals(Arrays.copyOf(predictionShape, labelShape.length), labelShape);
    }

    /**
     * Refuses labels with more than one column ({@code [N, L]}, rank 2 or more after dropping a trailing 1) unless
     * the predictions are logits with a class axis of at least 2 per position ({@code [N, L, C]}, C >= 2): anything
     * else (predictions shaped {@code [N, L]}, or {@code [N, L, 1]} thresholded) would score a multilabel
     * indicator array element by element as one two-class problem, which is not what multilabel scores mean.
     */
    static void refuseMultilabel(String metric, HostTensor predictions, HostTensor labels, long[] labelShape) {
        if (labelShape.length < 2) {
            return;
        }
        long[] predictionShape = predictions.shape();
        boolean perPositionLogits = predictions.dataType().isFloating() && isLogitsShape(predictionShape, labelShape)
                && predictionShape[predictionShape.length - 1] >= 2;
        if (!perPositionLogits) {
            throw new DataException(metric + ": predictions " + predictions + " and labels " + labels + " look like"
                    + " multilabel indicators (labels with " + labelShape[labelShape.length - 1] + " columns);"
                    + " multilabel indicators need predictions shaped like the labels. Expected labels [N] (one class per example) with"
                    + " logits [N, C] or class ids [N], or labels " + describe(labelShape)
                    + " (one class per position) with logits " + describe(labelShape) + " + [C], C >= 2");
        }
    }

    static DataException shapeMismatch(String metric, HostTensor predictions, HostTensor labels, String expected) {
        return new DataException(metric + ": predictions " + predictions + " do not match labels "
                + labels + "; expected " + expected);
    }

    private static String describe(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    private static String describe(long[] shape) {
        return Arrays.toString(shape);
    }
}

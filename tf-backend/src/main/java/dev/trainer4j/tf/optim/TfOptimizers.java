package dev.trainer4j.tf.optim;

import dev.trainer4j.api.TrainingArguments;

/** The optimizer {@code args.optim()} names, with the run's betas, epsilon and weight decay. */
public final class TfOptimizers {
    private TfOptimizers() {
    }

    public static TfOptimizer fromArguments(TrainingArguments args) {
        return switch (args.optim()) {
            case ADAMW -> TfAdam.adamW(args.adamBeta1(), args.adamBeta2(), args.adamEpsilon(), args.weightDecay());
            case ADAM -> TfAdam.adam(args.adamBeta1(), args.adamBeta2(), args.adamEpsilon(), args.weightDecay());
            case SGD -> new TfSgd(args.weightDecay());
        };
    }
}

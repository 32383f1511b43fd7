package dev.trainer4j.tf.optim;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.TrainingArguments;

import java.util.Map;

/** The optimizer {@code args.optim()} names, with the run's betas, epsilon and weight decay. */
public final class TfOptimizers {
    private TfOptimizers() {
    }

    public static TfOptimizer fromArguments(TrainingArguments args) {
        Map<String, String> optimArgs = args.optimArgsByKey();
        if (args.optim() != OptimizerType.ADAFACTOR && !optimArgs.isEmpty()) {
            throw new ConfigurationException(TrainingArguments.OPTIM_ARGS.key(), "optim-args " + optimArgs.keySet()
                    + ": optim = " + args.optim().configNames().get(0) + " takes no optim-args (its settings are adam-beta1,"
                    + " adam-beta2, adam-epsilon and weight-decay); optim = adafactor takes " + TfAdafactor.OPTIM_ARGS);
        }
        return switch (args.optim()) {
            case ADAMW -> TfAdam.adamW(args.adamBeta1(), args.adamBeta2(), args.adamEpsilon(), args.weightDecay());
            case ADAM -> TfAdam.adam(args.adamBeta1(), args.adamBeta2(), args.adamEpsilon(), args.weightDecay());
            case SGD -> new TfSgd(args.weightDecay());
            case ADAFACTOR -> TfAdafactor.fromOptimArgs(optimArgs, args.weightDecay());
        };
    }
}

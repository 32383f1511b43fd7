package dev.trainer4j.api;

import java.util.Arrays;
import java.util.Locale;

/** Learning-rate schedules, with HF's names ({@code lr-scheduler-type}). */
public enum SchedulerType {
    LINEAR,
    COSINE,
    COSINE_WITH_RESTARTS,
    POLYNOMIAL,
    CONSTANT,
    CONSTANT_WITH_WARMUP,
    INVERSE_SQRT,
    REDUCE_LR_ON_PLATEAU,
    COSINE_WITH_MIN_LR,
    WARMUP_STABLE_DECAY,
    // ---- issue 20: HF parity ----
    /** HF's {@code cosine_warmup_with_min_lr}: warmup from (t+1)/W (or from {@code warmup_lr_rate}), then cosine to a minimum. */
    COSINE_WARMUP_WITH_MIN_LR;

    /** HF's spelling, e.g. {@code constant_with_warmup}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Accepts HF's snake_case and the kebab-case spelling. */
    public static SchedulerType parse(String key, String value) {
        String normalized = value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (SchedulerType type : values()) {
            if (type.configName().equals(normalized)) {
                return type;
            }
        }
        throw new ConfigurationException(key, value, "one of " + Arrays.stream(values()).map(SchedulerType::configName).toList());
    }
}

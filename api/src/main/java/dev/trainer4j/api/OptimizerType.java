package dev.trainer4j.api;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Optimizers ({@code optim}), with HF's names. {@code adamw_torch} and {@code adamw_torch_fused} (HF's defaults in v4
 * and v5) and {@code adamw} are the same decoupled-weight-decay AdamW; {@code adafactor} is HF's Adafactor.
 */
public enum OptimizerType {
    ADAMW(List.of("adamw_torch", "adamw_torch_fused", "adamw")),
    ADAM(List.of("adam")),
    SGD(List.of("sgd")),
    // ---- issue 20: HF parity ----
    /** HF's Adafactor as its Trainer builds it: no relative step, no parameter scaling, no first moment. */
    ADAFACTOR(List.of("adafactor"));

    private final List<String> names;

    OptimizerType(List<String> names) {
        this.names = names;
    }

    /** Every accepted spelling; the first is the canonical one. */
    public List<String> configNames() {
        return names;
    }

    public static OptimizerType parse(String key, String value) {
        String normalized = value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (OptimizerType type : values()) {
            if (type.names.contains(normalized)) {
                return type;
            }
        }
        throw new ConfigurationException(key, value, "one of " + Arrays.stream(values()).flatMap(type -> type.names.stream()).toList());
    }
}

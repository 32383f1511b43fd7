package dev.trainer4j.config;

import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import dev.trainer4j.api.Argument;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.TrainingArguments;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The answer trainer4j gives to every name of Hugging Face's {@code TrainingArguments} and
 * {@code Seq2SeqTrainingArguments} (the 145 names of {@code hf-training-arguments.txt}: v5, v4-only and seq2seq). The one
 * place that says what happens to an HF name in a run file's {@code args} block:
 * <ul>
 *   <li>{@link Status#IMPLEMENTED}: a {@link TrainingArguments} declaration takes it (its key, snake_case spelling or a
 *       declared alias), or a rewrite below turns it into one;</li>
 *   <li>{@link Status#NO_OP}: accepted and ignored, only where HF itself ignores it on one CPU process; a debug line
 *       says so;</li>
 *   <li>{@link Status#REFUSED}: about PyTorch, CUDA, TPUs, distributed launchers or outside services; one message names
 *       the reason and what to use instead;</li>
 *   <li>{@link Status#OWNED}: owned by another issue; refused as "not yet supported" until a declaration takes it;</li>
 *   <li>{@link Status#NOT_YET_SUPPORTED}: to be implemented; refused as "not yet supported".</li>
 * </ul>
 * {@link ArgumentAliases} applies these answers; the docs' table and {@code trainer4j config --explain-hf} print them.
 */
public final class HuggingFaceArguments {
    /** What trainer4j does with an HF name. */
    public enum Status {
        IMPLEMENTED, NO_OP, REFUSED, OWNED, NOT_YET_SUPPORTED;

        /** The status as the table prints it, e.g. {@code not yet supported}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ').replace("no op", "no-op");
        }
    }

    /** Where HF declares a name. */
    public enum Origin {
        /** {@code TrainingArguments} of transformers v5. */
        V5,
        /** A v4.5x field removed in v5. */
        V4,
        /** {@code Seq2SeqTrainingArguments}. */
        SEQ2SEQ
    }

    /**
     * The answer for one HF name.
     *
     * @param name the HF name, snake_case
     * @param origin where HF declares it
     * @param status what trainer4j does with it
     * @param key the trainer4j {@code args} key that takes it, if any
     * @param note the reason (no-op, refused, owned) or how the name maps (implemented); may be empty
     */
    public record Answer(String name, Origin origin, Status status, Optional<String> key, String note) {
        public Answer {
            requireNonNull(name, "name is null");
            requireNonNull(origin, "origin is null");
            requireNonNull(status, "status is null");
            requireNonNull(key, "key is null");
            requireNonNull(note, "note is null");
        }
    }

    /** A setting after its HF name's answer: a trainer4j key and value, or {@link #DROPPED}. */
    record Rewritten(String key, ConfigValue value) {
        static final Rewritten DROPPED = new Rewritten(null, null);

        boolean dropped() {
            return key == null;
        }
    }

    /** Turns an HF name's value into a trainer4j key and value, or {@link Rewritten#DROPPED}. */
    @FunctionalInterface
    interface Rewrite {
        Rewritten apply(String path, ConfigValue value);
    }

    private record Special(Status status, String key, String note, Rewrite rewrite) {
    }

    private static final String HUB = "no Hugging Face Hub client: a run never uses the network";
    private static final String HUB_INSTEAD = "copy the output folder (saveModel's files, README.md) yourself";
    private static final String TORCH = "PyTorch-specific: TensorFlow Java builds and runs the graph itself";
    private static final String TORCH_INSTEAD = "intra-op-threads, inter-op-threads and train-towers tune the TensorFlow runtime";
    private static final String DISTRIBUTED = "torch.distributed / accelerate / DeepSpeed / FSDP / TPU setting: trainer4j"
            + " runs one process";
    private static final String DISTRIBUTED_INSTEAD = "devices (model replicas in one process)";
    private static final String ONE_PROCESS = "HF ignores it on one process; trainer4j always runs one";

    private static final Map<String, Special> SPECIALS = specials();

    private static final List<String> NAMES_IN_ORDER = new ArrayList<>();
    private static final Map<String, Origin> ORIGINS = origins();

    private HuggingFaceArguments() {
    }

    private static Map<String, Special> specials() {
        Map<String, Special> specials = new LinkedHashMap<>();
        for (String name : List.of("push_to_hub", "hub_model_id", "hub_token", "hub_private_repo", "hub_revision",
                "hub_strategy", "hub_always_push", "push_to_hub_model_id", "push_to_hub_organization", "push_to_hub_token")) {
            refused(specials, name, HUB, HUB_INSTEAD);
        }
        for (String name : List.of("tf32", "torch_compile", "torch_compile_backend", "torch_compile_mode", "torchdynamo",
                "use_ipex", "jit_mode_eval", "use_mps_device", "half_precision_backend", "fp16_opt_level", "fp16_backend",
                "use_liger_kernel", "liger_kernel_config", "dataloader_pin_memory", "use_legacy_prediction_loop")) {
            refused(specials, name, TORCH, TORCH_INSTEAD);
        }
        for (String name : List.of("accelerator_config", "parallelism_config", "ddp_find_unused_parameters",
                "ddp_bucket_cap_mb", "ddp_broadcast_buffers", "ddp_backend", "ddp_timeout", "fsdp", "fsdp_config",
                "fsdp_min_num_params", "fsdp_transformer_layer_cls_to_wrap", "deepspeed", "local_rank", "tpu_num_cores",
                "tpu_metrics_debug", "mp_parameters")) {
            refused(specials, name, DISTRIBUTED, DISTRIBUTED_INSTEAD);
        }
        refused(specials, "optim_target_modules", "GaLore / APOLLO are not among trainer4j's optimizers",
                "optim (adamw, adafactor, sgd, ...) and freezing in the model block");
        refused(specials, "past_index", "no XLNet / Transformer-XL memories", "nothing: no trainer4j model has them");
        refused(specials, "use_cache", "no key/value cache during training", "nothing: generation caches keys and values itself");
        refused(specials, "project", "Trackio: no integration", "report-to = [tensorboard, jsonl, csv]");
        refused(specials, "trackio_space_id", "Trackio: no integration", "report-to = [tensorboard, jsonl, csv]");

        for (String name : List.of("log_on_each_node", "log_level_replica", "save_on_each_node", "eval_use_gather_object",
                "dispatch_batches", "split_batches")) {
            noOp(specials, name, ONE_PROCESS);
        }
        noOp(specials, "average_tokens_across_devices", "always on: the loss is divided by the label-item count of the"
                + " whole accumulation window and of every device");
        noOp(specials, "torch_empty_cache_steps", "HF empties the CUDA/XPU/MPS cache only; on a CPU it does nothing");
        noOp(specials, "ray_scope", "HF reads it only with the Ray search backend; trainer4j hpo has its own");
        noOp(specials, "eval_accumulation_steps", "predictions are copied to the host after every batch (HF with 1); on a"
                + " CPU HF's setting changes when tensors become numpy arrays, not the results");
        noOp(specials, "dataloader_persistent_workers", "data workers are threads of the run, kept for the whole run");
        specials.put("no_cuda", renamed("use-cpu"));

        specials.put("group_by_length", new Special(Status.IMPLEMENTED, "train-sampling-strategy",
                "true is train-sampling-strategy = group_by_length; false changes nothing",
                (path, value) -> booleanValue(path, value)
                        ? new Rewritten("train-sampling-strategy", ConfigValueFactory.fromAnyRef("group_by_length",
                                value.origin().description()))
                        : Rewritten.DROPPED));
        specials.put("include_inputs_for_metrics", new Special(Status.IMPLEMENTED, "include-for-metrics",
                "deprecated in HF: true is include-for-metrics = [inputs]; false changes nothing",
                (path, value) -> booleanValue(path, value)
                        ? new Rewritten("include-for-metrics", ConfigValueFactory.fromIterable(List.of("inputs"),
                                value.origin().description()))
                        : Rewritten.DROPPED));
        specials.put("adafactor", new Special(Status.IMPLEMENTED, "optim", "v4: true is optim = adafactor; false changes nothing",
                (path, value) -> booleanValue(path, value)
                        ? new Rewritten("optim", ConfigValueFactory.fromAnyRef("adafactor", value.origin().description()))
                        : Rewritten.DROPPED));
        specials.put("per_gpu_train_batch_size", renamed("per-device-train-batch-size"));
        specials.put("per_gpu_eval_batch_size", renamed("per-device-eval-batch-size"));
        return specials;
    }

    private static void refused(Map<String, Special> specials, String name, String reason, String instead) {
        specials.put(name, new Special(Status.REFUSED, null, reason + "; instead: " + instead, null));
    }

    private static void noOp(Map<String, Special> specials, String name, String reason) {
        specials.put(name, new Special(Status.NO_OP, null, reason, (path, value) -> Rewritten.DROPPED));
    }

    private static Special renamed(String key) {
        return new Special(Status.IMPLEMENTED, key, "deprecated in HF; the same as " + key,
                (path, value) -> new Rewritten(key, value));
    }

    private static boolean booleanValue(String path, ConfigValue value) {
        if (value.valueType() != ConfigValueType.BOOLEAN) {
            throw new ConfigurationException(path, path + ": " + value.render() + " is not allowed; expected true or false");
        }
        return Boolean.TRUE.equals(value.unwrapped());
    }

    private static Map<String, Origin> origins() {
        Map<String, Origin> origins = new LinkedHashMap<>();
        try (InputStream in = HuggingFaceArguments.class.getResourceAsStream("hf-training-arguments.txt")) {
            if (in == null) {
                throw new IllegalStateException("hf-training-arguments.txt is missing from trainer4j-core");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.strip().split("\\s+");
                Origin origin = parts.length == 1 ? Origin.V5 : Origin.valueOf(parts[1].toUpperCase(Locale.ROOT));
                origins.put(parts[0], origin);
                NAMES_IN_ORDER.add(parts[0]);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(origins);
    }

    /** Every HF name, in the order of HF's source (v5, then v4-only, then seq2seq), with its answer. */
    public static List<Answer> answers() {
        return NAMES_IN_ORDER.stream().map(name -> answer(name).orElseThrow()).toList();
    }

    /** The answer for an HF name (snake_case), if it is one of HF's names. */
    public static Optional<Answer> answer(String name) {
        Origin origin = ORIGINS.get(name);
        if (origin == null) {
            return Optional.empty();
        }
        Optional<Argument<?>> declared = declaredArgument(name);
        Special special = SPECIALS.get(name);
        if (special != null) {
            String key = special.key() != null ? special.key() : declared.map(Argument::key).orElse(null);
            return Optional.of(new Answer(name, origin, special.status(), Optional.ofNullable(key), special.note()));
        }
        if (declared.isPresent()) {
            String key = declared.get().key();
            String note = key.equals(kebab(name)) ? "" : "HF alias";
            return Optional.of(new Answer(name, origin, Status.IMPLEMENTED, Optional.of(key), note));
        }
        return Optional.of(new Answer(name, origin, Status.NOT_YET_SUPPORTED, Optional.empty(), "not implemented yet"));
    }

    /** The declaration that takes an HF name: its key in snake_case, or a declared alias. */
    static Optional<Argument<?>> declaredArgument(String name) {
        String kebab = kebab(name);
        for (Argument<?> argument : TrainingArguments.arguments()) {
            if (argument.key().equals(kebab) || argument.aliases().stream().anyMatch(alias -> kebab(alias).equals(kebab))) {
                return Optional.of(argument);
            }
        }
        return Optional.empty();
    }

    /**
     * Applies the answer for a key of an {@code args} block that no declaration takes under its written name.
     *
     * @param path the key's path for messages, e.g. {@code args.push_to_hub}
     * @param kebab the key in kebab-case
     * @return the rewritten key and value (or {@link Rewritten#DROPPED}), or empty when {@code kebab} is not an HF name
     *         with an answer that applies here (the caller reports an unknown setting)
     */
    static Optional<Rewritten> apply(String path, String kebab, ConfigValue value) {
        String name = kebab.replace('-', '_');
        Special special = SPECIALS.get(name);
        Origin origin = ORIGINS.get(name);
        if (origin == null) {
            return Optional.empty();
        }
        if (special == null) {
            if (declaredArgument(name).isPresent()) {
                return Optional.empty();
            }
            throw new ConfigurationException(path, path + ": '" + name + "' (Hugging Face) is not yet supported by trainer4j");
        }
        switch (special.status()) {
            case REFUSED -> throw new ConfigurationException(path, path + ": '" + name + "' (Hugging Face) is not supported: "
                    + special.note());
            case OWNED -> {
                if (declaredArgument(name).isPresent()) {
                    return Optional.empty();
                }
                throw new ConfigurationException(path, path + ": '" + name + "' (Hugging Face) is not yet supported;"
                        + " it belongs to " + special.note());
            }
            case NOT_YET_SUPPORTED -> throw new ConfigurationException(path, path + ": '" + name
                    + "' (Hugging Face) is not yet supported by trainer4j");
            case NO_OP -> ArgumentAliases.debug(path + " has no effect: " + special.note());
            default -> {
            }
        }
        if (special.rewrite() == null) {
            return Optional.empty();
        }
        return Optional.of(special.rewrite().apply(path, value));
    }

    /** The table as text: name, status and trainer4j key, one name a line. */
    public static String explain() {
        List<Answer> answers = answers();
        List<String> names = answers.stream().map(answer -> answer.name()
                + (answer.origin() == Origin.V5 ? "" : " (" + answer.origin().name().toLowerCase(Locale.ROOT) + ")")).toList();
        int width = names.stream().mapToInt(String::length).max().orElse(10) + 2;
        StringBuilder out = new StringBuilder();
        out.append(pad("HF name", width)).append(pad("status", 20)).append(pad("trainer4j key", 30)).append("note\n");
        for (int i = 0; i < answers.size(); i++) {
            Answer answer = answers.get(i);
            out.append(pad(names.get(i), width)).append(pad(answer.status().label(), 20))
                    .append(pad(answer.key().orElse("-"), 30)).append(answer.note()).append('\n');
        }
        return out.toString();
    }

    private static String pad(String text, int width) {
        StringBuilder padded = new StringBuilder(text);
        do {
            padded.append(' ');
        }
        while (padded.length() < width);
        return padded.toString();
    }

    private static String kebab(String written) {
        return written.replace('_', '-').toLowerCase(Locale.ROOT);
    }
}

package dev.trainer4j.docs;

import dev.trainer4j.api.Argument;
import dev.trainer4j.api.TrainingArguments;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The generated part of docs/from-hugging-face.md: every field of HF's {@code TrainingArguments}
 * (hf-training-arguments.txt) with the trainer4j {@code args} key that takes it, from the {@link TrainingArguments}
 * declarations and their HF aliases, or why trainer4j does not take it. The reasons are written here, one per field
 * that no declaration takes; a field that becomes accepted must lose its reason (the test says so).
 */
final class HfArguments {
    static final Path FILE = Path.of("from-hugging-face.md");
    static final String BEGIN_PREFIX = "<!-- BEGIN GENERATED hf-arguments";
    static final String BEGIN = BEGIN_PREFIX + ": by docs-tests' HfArguments from the TrainingArguments"
            + " declarations; do not edit between the markers. Regenerate: " + Repository.REGENERATE_COMMAND + " -->";
    static final String END = "<!-- END GENERATED hf-arguments -->";

    /** HF names that ArgumentAliases treats specially, with what happens. */
    private static final Map<String, String> SPECIAL = Map.of(
            "group_by_length", "`train-sampling-strategy` | `true` is `group_by_length`; `false` changes nothing (v4)",
            "no_cuda", "(none) | refused with a message: use `use_cpu` or `devices` (v4)");

    private static final String HUB = "no Hugging Face Hub client: a run never uses the network; copy the output folder yourself";
    private static final String TORCH = "PyTorch-specific: TensorFlow Java builds and runs the graph itself";
    private static final String DISTRIBUTED = "torch.distributed / accelerate / DeepSpeed / TPU setting: trainer4j runs one"
            + " process (multi-device runs are a backend capability, `devices`)";
    private static final String NOT_YET = "not implemented";

    /** Why trainer4j takes no {@code args} key for each HF field it does not accept. */
    static final Map<String, String> REASONS = reasons();

    private HfArguments() {
    }

    private static Map<String, String> reasons() {
        Map<String, String> reasons = new LinkedHashMap<>();
        for (String name : List.of("push_to_hub", "hub_model_id", "hub_token", "hub_private_repo", "hub_revision",
                "hub_strategy", "hub_always_push", "push_to_hub_model_id", "push_to_hub_organization", "push_to_hub_token")) {
            reasons.put(name, HUB);
        }
        for (String name : List.of("tf32", "torch_compile", "torch_compile_backend", "torch_compile_mode",
                "torch_empty_cache_steps", "use_ipex", "jit_mode_eval", "torchdynamo", "dataloader_pin_memory",
                "use_mps_device", "half_precision_backend", "fp16_opt_level", "fp16_backend", "use_liger_kernel",
                "liger_kernel_config", "use_legacy_prediction_loop")) {
            reasons.put(name, TORCH);
        }
        for (String name : List.of("accelerator_config", "parallelism_config", "ddp_find_unused_parameters",
                "ddp_bucket_cap_mb", "ddp_broadcast_buffers", "ddp_backend", "ddp_timeout", "fsdp", "fsdp_config",
                "deepspeed", "local_rank", "tpu_num_cores", "tpu_metrics_debug", "mp_parameters", "dispatch_batches",
                "split_batches", "fsdp_min_num_params", "fsdp_transformer_layer_cls_to_wrap", "tp_size",
                "log_on_each_node", "log_level_replica", "save_on_each_node", "eval_use_gather_object", "ray_scope")) {
            reasons.put(name, DISTRIBUTED);
        }
        for (String name : List.of("do_train", "do_eval", "do_predict")) {
            reasons.put(name, "script flags: call `train()`, `evaluate()`, `predict()`, or run the `trainer4j` commands of the same names");
        }
        reasons.put("average_tokens_across_devices", "always on: the loss is divided by the label-item count of the whole"
                + " accumulation window and of every device");
        reasons.put("report_to", "the run's `callbacks` list: `tensorboard`, `jsonl-logger`, `csv-logger`, `report`, `progress`");
        reasons.put("logging_dir", "the `tensorboard` callback's `log-dir` (default `<output-dir>/runs`)");
        reasons.put("log_level", "SLF4J: the application's logging configuration; the CLI's `--verbose`");
        reasons.put("project", "Trackio: no integration");
        reasons.put("trackio_space_id", "Trackio: no integration");
        reasons.put("ignore_data_skip", "nothing to skip: a resume restores the data position directly, without replaying batches");
        reasons.put("restore_callback_states_from_checkpoint", "always: a `StatefulCallback`'s state is restored on resume");
        reasons.put("batch_eval_metrics", "always: a `Metric` is updated per batch (streaming); `ComputeMetrics` sees the"
                + " whole pass");
        reasons.put("eval_accumulation_steps", "not needed: predictions are copied to the host after every batch");
        reasons.put("eval_do_concat_batches", "`ComputeMetrics` gets the pass concatenated; a streaming `Metric` gets each batch");
        reasons.put("include_for_metrics", NOT_YET + ": `EvalPrediction` holds predictions and labels");
        reasons.put("include_inputs_for_metrics", NOT_YET + ": `EvalPrediction` holds predictions and labels (v4)");
        reasons.put("prediction_loss_only", NOT_YET);
        reasons.put("include_num_input_tokens_seen", NOT_YET);
        reasons.put("include_tokens_per_second", NOT_YET + "; the logs carry steps and samples per second (v4)");
        reasons.put("logging_nan_inf_filter", "`non-finite-policy`: a non-finite loss stops the run (`stop`) or skips the"
                + " step (`skip`); it is never averaged away");
        reasons.put("skip_memory_metrics", NOT_YET + ": no memory metrics");
        reasons.put("debug", NOT_YET);
        reasons.put("full_determinism", "runs repeat bit for bit on one machine; across machines pin `train-towers`,"
                + " `intra-op-threads` and `inter-op-threads`");
        reasons.put("optim_args", NOT_YET + ": the optimizers take `adam-*` and `weight-decay` only");
        reasons.put("optim_target_modules", NOT_YET + " (GaLore / APOLLO)");
        reasons.put("neftune_noise_alpha", NOT_YET);
        reasons.put("auto_find_batch_size", NOT_YET);
        reasons.put("gradient_checkpointing", NOT_YET);
        reasons.put("gradient_checkpointing_kwargs", NOT_YET);
        reasons.put("use_cache", NOT_YET + ": no generation yet");
        reasons.put("dataloader_persistent_workers", "not applicable: data workers are threads of the training process"
                + " (`dataloader-num-workers`)");
        reasons.put("past_index", "not applicable: no XLNet / Transformer-XL memories (v4)");
        reasons.put("adafactor", NOT_YET + ": `optim` has no Adafactor yet (v4)");
        reasons.put("per_gpu_train_batch_size", "deprecated in HF: use `per-device-train-batch-size` (v4)");
        reasons.put("per_gpu_eval_batch_size", "deprecated in HF: use `per-device-eval-batch-size` (v4)");
        return reasons;
    }

    /** The HF field names of hf-training-arguments.txt, each with whether it is v4-only. */
    static Map<String, Boolean> hfFields() {
        Map<String, Boolean> fields = new LinkedHashMap<>();
        try (InputStream in = HfArguments.class.getResourceAsStream("/hf-training-arguments.txt")) {
            if (in == null) {
                throw new IllegalStateException("hf-training-arguments.txt is not on the test class path");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.strip().split("\\s+");
                fields.put(parts[0], parts.length > 1 && parts[1].equals("v4"));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fields;
    }

    /** The argument that takes an HF field: the snake_case spelling of its key, or one of its declared aliases. */
    static Optional<Argument<?>> argumentOf(String hfName) {
        String kebab = hfName.replace('_', '-').toLowerCase(Locale.ROOT);
        for (Argument<?> argument : TrainingArguments.arguments()) {
            if (argument.key().equals(kebab) || argument.aliases().contains(hfName)) {
                return Optional.of(argument);
            }
        }
        return Optional.empty();
    }

    /** HF fields that no declaration takes and that have no reason here. */
    static List<String> unexplained() {
        return hfFields().keySet().stream()
                .filter(name -> argumentOf(name).isEmpty() && !SPECIAL.containsKey(name) && !REASONS.containsKey(name))
                .toList();
    }

    /** Reasons for fields that a declaration takes now (or that are not HF fields at all). */
    static List<String> staleReasons() {
        Map<String, Boolean> fields = hfFields();
        return REASONS.keySet().stream()
                .filter(name -> !fields.containsKey(name) || argumentOf(name).isPresent())
                .toList();
    }

    /** The text between the markers. */
    static String render() {
        Map<String, Boolean> fields = hfFields();
        StringBuilder out = new StringBuilder();
        out.append("### Accepted\n\nEach HF field below is accepted in a run file's `args` block under its HF name or its"
                + " trainer4j key (kebab-case); in Java it is the `TrainingArguments.Builder` method of the key.\n\n");
        out.append("| HF field | trainer4j `args` key | note |\n|---|---|---|\n");
        for (Map.Entry<String, Boolean> field : fields.entrySet()) {
            String name = field.getKey();
            String v4 = field.getValue() ? " (v4)" : "";
            Optional<Argument<?>> argument = argumentOf(name);
            if (argument.isPresent()) {
                boolean alias = !argument.get().key().equals(name.replace('_', '-'));
                out.append("| `").append(name).append("` | `").append(argument.get().key()).append("` | ")
                        .append(alias ? "HF alias" + v4 : v4.strip()).append(" |\n");
            }
            else if (SPECIAL.containsKey(name) && !name.equals("no_cuda")) {
                out.append("| `").append(name).append("` | ").append(SPECIAL.get(name)).append(" |\n");
            }
        }
        out.append("\n### Not accepted\n\nA run file that sets one of these stops before training with a message naming"
                + " the key (`unknown setting`).\n\n");
        out.append("| HF field | why, and what to use instead |\n|---|---|\n");
        for (String name : fields.keySet()) {
            if (argumentOf(name).isPresent()) {
                continue;
            }
            if (name.equals("no_cuda")) {
                out.append("| `no_cuda` | refused with a message: use `use_cpu` or `devices` (v4) |\n");
            }
            else if (REASONS.containsKey(name)) {
                out.append("| `").append(name).append("` | ").append(REASONS.get(name)).append(" |\n");
            }
        }
        Set<String> hfKebab = new HashSet<>();
        fields.keySet().forEach(name -> hfKebab.add(name.replace('_', '-')));
        Map<String, String> trainer4jOnly = new TreeMap<>();
        for (Argument<?> argument : TrainingArguments.arguments()) {
            boolean fromHf = hfKebab.contains(argument.key())
                    || argument.aliases().stream().anyMatch(fields::containsKey);
            if (!fromHf) {
                trainer4jOnly.put(argument.key(), "");
            }
        }
        out.append("\n### trainer4j only\n\nThese `args` keys have no HF field (see the [key reference](run-file-keys.md#args-trainingarguments)): ");
        List<String> keys = new ArrayList<>();
        trainer4jOnly.keySet().forEach(key -> keys.add("`" + key + "`"));
        out.append(String.join(", ", keys)).append(".\n");
        return out.toString();
    }

    /** {@code document} with the begin marker's line, the text up to the end marker, replaced by the generated text. */
    static String replaceGenerated(String document) {
        int begin = document.indexOf(BEGIN_PREFIX);
        int end = document.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException("docs/" + FILE + " lacks the markers " + BEGIN_PREFIX + " ... " + END);
        }
        return document.substring(0, begin) + BEGIN + "\n" + render() + document.substring(end);
    }
}

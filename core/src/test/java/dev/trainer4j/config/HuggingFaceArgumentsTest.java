package dev.trainer4j.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.config.HuggingFaceArguments.Answer;
import dev.trainer4j.config.HuggingFaceArguments.Origin;
import dev.trainer4j.config.HuggingFaceArguments.Status;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HuggingFaceArgumentsTest {
    private static final Set<String> KEYS = TrainingArguments.defaults().root().keySet();

    /** Issue 20's refusable names: PyTorch/CUDA/TPU internals and outside services, as the issue lists them. */
    private static final Predicate<String> REFUSABLE = name -> name.startsWith("hub_") || name.startsWith("push_to_hub")
            || name.startsWith("fsdp") || name.startsWith("ddp_") || name.startsWith("torch_compile")
            || name.startsWith("tpu_") || Set.of("deepspeed", "torchdynamo", "use_liger_kernel", "liger_kernel_config",
                    "use_ipex", "use_mps_device", "jit_mode_eval", "half_precision_backend", "fp16_opt_level", "fp16_backend",
                    "accelerator_config", "parallelism_config", "local_rank", "mp_parameters", "optim_target_modules",
                    "past_index", "use_legacy_prediction_loop", "dataloader_pin_memory", "tf32", "use_cache",
                    "trackio_space_id", "project").contains(name);

    /** Owned by another issue: none left (issue 18 declared bf16_full_eval, fp16_full_eval and tp_size). */
    private static final Map<String, String> OWNED = Map.of();

    /** Accepted and ignored: what HF itself ignores on one CPU process. */
    private static final Set<String> NO_OP = Set.of("torch_empty_cache_steps", "log_on_each_node", "log_level_replica",
            "save_on_each_node", "eval_use_gather_object", "dispatch_batches", "split_batches", "ray_scope",
            "average_tokens_across_devices", "dataloader_persistent_workers", "eval_accumulation_steps");

    /** Names still to implement (issue 20's list); each is refused as "not yet supported" until it is. None is left. */
    private static final Set<String> NOT_YET = Set.of();

    @Test
    void theListHoldsHfs145NamesInThreeOrigins() {
        List<Answer> answers = HuggingFaceArguments.answers();

        assertThat(answers).hasSize(145);
        assertThat(answers.stream().map(Answer::name).distinct()).hasSize(145);
        Map<Origin, Long> byOrigin = answers.stream().collect(Collectors.groupingBy(Answer::origin, Collectors.counting()));
        assertThat(byOrigin).containsEntry(Origin.V5, 109L).containsEntry(Origin.V4, 31L).containsEntry(Origin.SEQ2SEQ, 5L);
        assertThat(HuggingFaceArguments.answer("not_an_hf_name")).isEmpty();
    }

    @Test
    void everyNameHasTheStatusItsKindAllows() {
        for (Answer answer : HuggingFaceArguments.answers()) {
            String name = answer.name();
            Status expected = REFUSABLE.test(name) ? Status.REFUSED
                    : OWNED.containsKey(name) ? Status.OWNED
                    : NO_OP.contains(name) ? Status.NO_OP
                    : NOT_YET.contains(name) ? Status.NOT_YET_SUPPORTED
                    : Status.IMPLEMENTED;
            assertThat(answer.status()).as(name).isEqualTo(expected);
            switch (answer.status()) {
                case IMPLEMENTED -> assertThat(answer.key()).as(name).isPresent()
                        .hasValueSatisfying(key -> assertThat(KEYS).as(name).contains(key));
                case REFUSED -> assertThat(answer.note()).as(name).contains("; instead: ");
                case OWNED -> assertThat(answer.note()).as(name).startsWith(OWNED.get(name));
                case NO_OP -> assertThat(answer.note()).as(name).isNotBlank();
                case NOT_YET_SUPPORTED -> assertThat(answer.key()).as(name).isEmpty();
            }
        }
    }

    @Test
    void anImplementedNameInARunFileSetsItsKey() {
        for (Answer answer : HuggingFaceArguments.answers()) {
            if (answer.status() != Status.IMPLEMENTED) {
                continue;
            }
            assertThat(normalizedKeys(answer.name(), true)).as(answer.name()).containsExactly(answer.key().orElseThrow());
        }
        assertThat(normalizedKeys("per_gpu_train_batch_size", 4)).containsExactly("per-device-train-batch-size");
        assertThat(normalizedKeys("group_by_length", false)).isEmpty();
        Config inputs = normalized("include_inputs_for_metrics", true);
        assertThat(inputs.getStringList("include-for-metrics")).containsExactly("inputs");
        assertThat(normalizedKeys("include_inputs_for_metrics", false)).isEmpty();
        assertThat(normalized("adafactor", true).getString("optim")).isEqualTo("adafactor");
    }

    @Test
    void aRefusedNameStopsTheRunWithTheReasonAndWhatToUseInstead() {
        for (Answer answer : HuggingFaceArguments.answers()) {
            if (answer.status() != Status.REFUSED) {
                continue;
            }
            assertThatThrownBy(() -> normalizedKeys(answer.name(), true)).as(answer.name())
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("args." + answer.name() + ": '" + answer.name() + "' (Hugging Face) is not supported: ")
                    .hasMessageContaining("; instead: ");
        }
        assertThatThrownBy(() -> normalizedKeys("deepspeed", "ds.json"))
                .hasMessage("args.deepspeed: 'deepspeed' (Hugging Face) is not supported: torch.distributed / accelerate /"
                        + " DeepSpeed / FSDP / TPU setting: trainer4j runs one process; instead: devices (model replicas in"
                        + " one process)");
    }

    @Test
    void theNamesIssuesOwnedAreTakenByTheirDeclarations() {
        assertThat(normalizedKeys("predict_with_generate", true)).containsExactly("predict-with-generate");
        assertThat(normalizedKeys("bf16", false)).containsExactly("bf16");
        assertThat(normalizedKeys("bf16_full_eval", true)).containsExactly("bf16-full-eval");
        assertThat(normalizedKeys("fp16_full_eval", true)).containsExactly("fp16-full-eval");
        assertThat(normalizedKeys("tp_size", 1)).containsExactly("tp-size");
    }

    @Test
    void tpSizeAboveOneIsOneClearErrorThatNamesModelParallelism() {
        Config args = normalized("tp_size", 2);
        assertThatThrownBy(() -> TrainingArguments.fromConfig(args))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("tp-size: 2 is not allowed; expected 0 or 1")
                .hasMessageContaining("strategy = model-parallel with a device-map");
        assertThat(TrainingArguments.fromConfig(normalized("tp_size", 1)).tpSize()).isEqualTo(1);
    }

    @Test
    void aNoOpNameIsAcceptedAndDropped() {
        for (String name : NO_OP) {
            assertThat(normalizedKeys(name, true)).as(name).isEmpty();
        }
    }

    @Test
    void aNameNotYetImplementedIsRefusedAsNotYetSupported() {
        Set<String> notYet = new TreeSet<>();
        for (Answer answer : HuggingFaceArguments.answers()) {
            if (answer.status() == Status.NOT_YET_SUPPORTED) {
                notYet.add(answer.name());
                assertThatThrownBy(() -> normalizedKeys(answer.name(), true)).as(answer.name())
                        .hasMessage("args." + answer.name() + ": '" + answer.name()
                                + "' (Hugging Face) is not yet supported by trainer4j");
            }
        }
        assertThat(notYet).isEqualTo(new TreeSet<>(NOT_YET));
    }

    @Test
    void theExplanationListsEveryNameWithStatusAndKey() {
        List<String> lines = HuggingFaceArguments.explain().lines().toList();

        assertThat(lines).hasSize(146);
        assertThat(lines.get(0)).startsWith("HF name").contains("status").contains("trainer4j key");
        assertThat(lines).anySatisfy(line -> assertThat(line).matches("learning_rate +implemented +learning-rate +"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("deepspeed ").contains("refused"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("sortish_sampler (seq2seq) ").contains("implemented")
                .contains("sortish-sampler"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("evaluation_strategy (v4) ")
                .contains("implemented").contains("eval-strategy").contains("HF alias"));
    }

    private static Set<String> normalizedKeys(String written, Object value) {
        return normalized(written, value).root().keySet();
    }

    private static Config normalized(String written, Object value) {
        Config args = ConfigFactory.empty().withValue("\"" + written + "\"", ConfigValueFactory.fromAnyRef(value));
        return ArgumentAliases.normalize(args, "args", KEYS);
    }
}

package dev.trainer4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.GenerationConfig;
import dev.trainer4j.api.GenerationOutput;
import dev.trainer4j.api.HostTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code trainer4j generate}: builds the run, loads the weights of a checkpoint (as {@code trainer4j predict}),
 * encodes the input's text field like the training data and generates for every line with the run's generation
 * settings ({@code args.generation-config} over the model's); {@code --set-generation key=value} overrides one
 * setting for this call. Writes one JSON object per input line: the original fields plus {@code generated_text}
 * (special tokens skipped) and {@code generated_ids} (the new tokens, without padding), and prints the first
 * generated texts.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generates text for a JSONL file with a trained checkpoint of a run (transformer-lm, transformer-seq2seq).")
final class GenerateCommand extends CliCommand {
    /** How many generated texts are also printed. */
    private static final int PRINTED_ROWS = 20;

    @Mixin
    RunFileOptions runFile = new RunFileOptions();

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "The prompts or sources, one JSON object per line.")
    Path input;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Where to write the generations (JSONL). Default: the input's name with .generated.jsonl next to it.")
    Path output;

    @Option(names = "--checkpoint", paramLabel = "DIR|latest|best",
            description = "A checkpoint folder, 'latest' or 'best'. Default: the best checkpoint when trainer_state.json names one, else the latest.")
    String checkpoint;

    @Option(names = "--model", paramLabel = "DIR", description = "A saved model folder to generate with instead of a checkpoint.")
    Path model;

    @Option(names = "--set-generation", paramLabel = "KEY=VALUE",
            description = "A generation setting for this call (e.g. num-beams=4, do-sample=true), over the run's.")
    List<String> generationSettings = new ArrayList<>();

    GenerateCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        GenerationConfig overrides = overrides();
        CheckpointedRun run = CheckpointedRun.prepare(context, runFile, input, checkpoint, model,
                spec.commandLine().getErr());
        GenerationOutput generated = run.apply(trainer -> trainer.generate(run.dataset(), overrides));
        Path target = output != null ? output : defaultOutput();
        int written = write(generated, target);
        for (int row = 0; row < Math.min(generated.texts().size(), PRINTED_ROWS); row++) {
            out().println("  " + row + ": " + generated.texts().get(row));
        }
        out().println("generated for " + written + " inputs of " + input + " with " + run.weights() + " into " + target);
        out().flush();
        return SUCCESS;
    }

    private GenerationConfig overrides() {
        StringBuilder hocon = new StringBuilder();
        for (String setting : generationSettings) {
            int equals = setting.indexOf('=');
            if (equals <= 0) {
                throw new UsageException("--set-generation " + setting + ": expected KEY=VALUE, e.g. num-beams=4");
            }
            hocon.append('"').append(setting, 0, equals).append("\" = ").append(setting.substring(equals + 1)).append('\n');
        }
        try {
            return GenerationConfig.fromConfig(ConfigFactory.parseString(hocon.toString()), "--set-generation");
        }
        catch (com.typesafe.config.ConfigException e) {
            throw new UsageException("--set-generation: " + e.getMessage());
        }
    }

    private Path defaultOutput() {
        String name = input.getFileName().toString().replaceFirst("\\.jsonl$", "");
        return input.toAbsolutePath().resolveSibling(name + ".generated.jsonl");
    }

    private int write(GenerationOutput generated, Path target) {
        HostTensor sequences = generated.sequences();
        int rows = (int) sequences.dimension(0);
        int width = rows == 0 ? 0 : (int) sequences.dimension(1);
        int[] ids = sequences.ints();
        List<String> lines;
        try {
            lines = Files.readAllLines(input, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank()).toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + input, e);
        }
        if (lines.size() != rows) {
            throw new IllegalStateException("the model generated for " + rows + " inputs but " + input + " has "
                    + lines.size() + " lines");
        }
        try {
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (BufferedWriter writer = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
                for (int row = 0; row < rows; row++) {
                    JsonNode original = CliJson.MAPPER.readTree(lines.get(row));
                    ObjectNode record = original instanceof ObjectNode object ? object.deepCopy() : CliJson.MAPPER.createObjectNode();
                    if (!generated.texts().isEmpty()) {
                        record.put("generated_text", generated.texts().get(row));
                    }
                    ArrayNode tokens = record.putArray("generated_ids");
                    for (int column = 0; column < generated.lengths().get(row); column++) {
                        tokens.add(ids[row * width + column]);
                    }
                    writer.write(CliJson.MAPPER.writeValueAsString(record));
                    writer.newLine();
                }
            }
        }
        catch (JsonProcessingException e) {
            throw new UsageException("--input: " + input + " is not JSONL: " + e.getOriginalMessage());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
        return rows;
    }
}

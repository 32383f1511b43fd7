package dev.trainer4j.plugins.tokenizers;

import dev.trainer4j.spi.PluginContext;

import java.nio.file.Path;

/** A plugin context whose relative paths resolve against a test folder. */
record TestPluginContext(Path baseDirectory) implements PluginContext {
}

package dev.trainer4j.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import dev.trainer4j.config.PluginKind;
import dev.trainer4j.runtime.PluginRegistry;
import dev.trainer4j.runtime.RegisteredFactory;
import dev.trainer4j.runtime.Trainer4j;
import dev.trainer4j.spi.Plugin;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code trainer4j plugins}: every discovered plugin, its factories by kind, and their settings with defaults. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "Lists every plugin on the class path, its factories by kind and their settings with defaults.")
final class PluginsCommand extends CliCommand {

    PluginsCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        Trainer4j runtime = context.runtime().get();
        PluginRegistry registry = runtime.registry();
        PrintWriter out = out();
        if (registry.plugins().isEmpty()) {
            out.println("No plugins found on the class path.");
        }
        for (Plugin plugin : registry.plugins()) {
            Map<PluginKind, List<RegisteredFactory>> factories = registry.factoriesOf(plugin);
            String location = factories.values().stream().flatMap(List::stream).findFirst()
                    .map(RegisteredFactory::pluginLocation).orElse("");
            out.println(plugin.name() + " (" + plugin.getClass().getName() + (location.isEmpty() ? "" : ", " + location) + ")");
            if (factories.isEmpty()) {
                out.println("  (no factories)");
            }
            factories.forEach((kind, list) -> {
                out.println("  " + kind.configName() + ":");
                for (RegisteredFactory factory : list) {
                    String description = factory.factory().description();
                    out.println("    " + factory.name() + (description.isBlank() ? "" : " - " + description));
                    printSettings(out, runtime.reference(), kind.defaultsPath(factory.name()));
                }
            });
        }
        out.flush();
        return SUCCESS;
    }

    private static void printSettings(PrintWriter out, Config reference, String path) {
        if (!reference.hasPath(path)) {
            return;
        }
        Map<String, ConfigValue> settings = new TreeMap<>(reference.getConfig(path).root());
        settings.forEach((key, value) ->
                out.println("        " + key + " = " + value.render(ConfigRenderOptions.concise())));
    }
}

package dev.trainer4j.plugins.tokenizers;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** On a private {@link Properties} object, so the JVM's own system properties are not touched. */
class DjlOfflineModeTest {

    @Test
    void setsOnlyTheAbsentProperties() {
        Properties properties = new Properties();
        properties.setProperty("OPT_OUT_TRACKING", "true");

        assertThat(DjlOfflineMode.apply(properties)).containsExactly("ai.djl.offline");

        assertThat(properties.getProperty("OPT_OUT_TRACKING")).isEqualTo("true");
        assertThat(properties.getProperty("ai.djl.offline")).isEqualTo("true");
    }

    @Test
    void keepsAnExplicitFalseOfTheApplication() {
        Properties properties = new Properties();
        properties.setProperty("OPT_OUT_TRACKING", "false");
        properties.setProperty("ai.djl.offline", "false");

        assertThat(DjlOfflineMode.apply(properties)).isEmpty();

        assertThat(properties.getProperty("OPT_OUT_TRACKING")).isEqualTo("false");
        assertThat(properties.getProperty("ai.djl.offline")).isEqualTo("false");
    }

    @Test
    void setsBothWhenNeitherIsGiven() {
        Properties properties = new Properties();

        assertThat(DjlOfflineMode.apply(properties)).containsExactly("OPT_OUT_TRACKING", "ai.djl.offline");
        assertThat(properties).containsEntry("OPT_OUT_TRACKING", "true").containsEntry("ai.djl.offline", "true");
    }
}

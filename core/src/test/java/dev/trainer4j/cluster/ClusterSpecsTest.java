package dev.trainer4j.cluster;

import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.ClusterSpec;
import dev.trainer4j.api.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterSpecsTest {
    private static final String TWO_WORKERS = "{\"cluster\": {\"worker\": [\"127.0.0.1:2222\", \"127.0.0.1:2223\"]},"
            + " \"task\": {\"type\": \"worker\", \"index\": %d}}";

    @Test
    void readsTheWorkersAndThisTaskFromTfConfig() {
        ClusterSpec spec = ClusterSpecs.fromTfConfig(TWO_WORKERS.formatted(1));

        assertThat(spec.workers()).containsExactly("127.0.0.1:2222", "127.0.0.1:2223");
        assertThat(spec.taskIndex()).isEqualTo(1);
        assertThat(spec.isChief()).isFalse();
        assertThat(spec.ownPort()).isEqualTo(2223);
        assertThat(spec.chiefTarget()).isEqualTo("grpc://127.0.0.1:2222");
        assertThat(ClusterSpecs.fromTfConfig(TWO_WORKERS.formatted(0)).isChief()).isTrue();
    }

    @Test
    void aChiefJobBecomesWorkerZeroAsKerasLaysItOut() {
        String json = "{\"cluster\": {\"chief\": [\"c:1\"], \"worker\": [\"w:1\", \"w:2\"]},"
                + " \"task\": {\"type\": \"worker\", \"index\": 1}}";

        ClusterSpec spec = ClusterSpecs.fromTfConfig(json);

        assertThat(spec.workers()).containsExactly("c:1", "w:1", "w:2");
        assertThat(spec.taskIndex()).isEqualTo(2);
        assertThat(ClusterSpecs.fromTfConfig(json.replace("\"type\": \"worker\", \"index\": 1",
                "\"type\": \"chief\", \"index\": 0")).taskIndex()).isZero();
    }

    @Test
    void whatLaunchersWriteReadsBack() {
        List<String> workers = List.of("127.0.0.1:4000", "127.0.0.1:4001", "127.0.0.1:4002");

        ClusterSpec spec = ClusterSpecs.fromTfConfig(ClusterSpecs.toTfConfig(workers, 2));

        assertThat(spec).isEqualTo(new ClusterSpec(workers, 2, ClusterSpecs.TF_CONFIG));
    }

    @Test
    void aMissingTaskNamesTheKey() {
        assertThatThrownBy(() -> ClusterSpecs.fromTfConfig("{\"cluster\": {\"worker\": [\"a:1\"]}}"))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).key()).isEqualTo("TF_CONFIG.task"))
                .hasMessageContaining("TF_CONFIG.task");
    }

    @Test
    void anIndexOutOfRangeNamesTheKeyAndTheRange() {
        assertThatThrownBy(() -> ClusterSpecs.fromTfConfig(TWO_WORKERS.formatted(2)))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).key()).isEqualTo("TF_CONFIG.task.index"))
                .hasMessageContaining("from 0 to 1");
        assertThatThrownBy(() -> ClusterSpecs.fromTfConfig(TWO_WORKERS.formatted(-1)))
                .hasMessageContaining("TF_CONFIG.task.index");
    }

    @Test
    void aDuplicateAddressIsRefused() {
        String json = "{\"cluster\": {\"worker\": [\"127.0.0.1:2222\", \"127.0.0.1:2222\"]}, \"task\": {\"index\": 0}}";

        assertThatThrownBy(() -> ClusterSpecs.fromTfConfig(json))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).key()).isEqualTo("TF_CONFIG.cluster.worker"))
                .hasMessageContaining("listed twice");
    }

    @Test
    void otherBadSpecsNameTheirKey() {
        assertThat(keyOf("not json")).isEqualTo("TF_CONFIG");
        assertThat(keyOf("{\"task\": {\"index\": 0}}")).isEqualTo("TF_CONFIG.cluster");
        assertThat(keyOf("{\"cluster\": {\"worker\": [\"a:1\"], \"ps\": [\"b:1\"]}, \"task\": {\"index\": 0}}"))
                .isEqualTo("TF_CONFIG.cluster.ps");
        assertThat(keyOf("{\"cluster\": {\"worker\": [\"a\"]}, \"task\": {\"index\": 0}}"))
                .isEqualTo("TF_CONFIG.cluster.worker");
        assertThat(keyOf("{\"cluster\": {\"worker\": [\"a:99999\"]}, \"task\": {\"index\": 0}}"))
                .isEqualTo("TF_CONFIG.cluster.worker");
        assertThat(keyOf("{\"cluster\": {\"worker\": [\"a:1\"]}, \"task\": {\"type\": \"ps\", \"index\": 0}}"))
                .isEqualTo("TF_CONFIG.task.type");
        assertThat(keyOf("{\"cluster\": {\"worker\": [\"a:1\"]}, \"task\": {\"index\": \"zero\"}}"))
                .isEqualTo("TF_CONFIG.task.index");
    }

    @Test
    void readsTheRunFileBlockAndRefusesBothSources() {
        var runFile = ConfigFactory.parseString("cluster { workers = [\"h1:2222\", \"h2:2222\"], task-index = 1 }");

        assertThat(ClusterSpecs.resolve(Map.of(), runFile))
                .contains(new ClusterSpec(List.of("h1:2222", "h2:2222"), 1, ClusterSpecs.CLUSTER_BLOCK));
        assertThat(ClusterSpecs.resolve(Map.of(), ConfigFactory.empty())).isEmpty();
        assertThatThrownBy(() -> ClusterSpecs.resolve(Map.of("TF_CONFIG", TWO_WORKERS.formatted(0)), runFile))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("TF_CONFIG");
        assertThatThrownBy(() -> ClusterSpecs.fromBlock(ConfigFactory.parseString("workers = [\"a:1\"], task-index = 3")))
                .hasMessageContaining("cluster.task-index");
        assertThatThrownBy(() -> ClusterSpecs.fromBlock(ConfigFactory.parseString("workers = [\"a:1\"], task = 0")))
                .hasMessageContaining("cluster.task");
    }

    private static String keyOf(String json) {
        try {
            ClusterSpecs.fromTfConfig(json);
        }
        catch (ConfigurationException e) {
            return e.key();
        }
        throw new AssertionError("accepted: " + json);
    }
}

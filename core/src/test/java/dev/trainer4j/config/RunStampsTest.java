package dev.trainer4j.config;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

final class RunStampsTest {

    @Test
    void runsStartedInTheSameMillisecondGetDifferentStampsThatSortByStartTime() {
        Clock frozen = Clock.fixed(Instant.parse("2030-01-02T03:04:05.678Z"), ZoneOffset.UTC);
        long pid = ProcessHandle.current().pid();
        Set<String> stamps = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            stamps.add(RunStamps.next(frozen));
        }

        assertThat(stamps).hasSize(5).allMatch(stamp -> stamp.matches("2030010\\d-\\d{6}-\\d{3}-" + pid));
        List<String> sorted = stamps.stream().sorted().toList();
        assertThat(sorted.get(0)).startsWith("20300102-030405-6"); // the first at 678 ms or later, never earlier
        assertThat(sorted.get(0).compareTo("20300102-030405-678")).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aTimestampedOutputDirExpandsToAFreshFolderPerParse() {
        RunConfigParser parser = new RunConfigParser(dev.trainer4j.runtime.RuntimeTestFixtures.reference(),
                dev.trainer4j.runtime.RuntimeTestFixtures.registry());
        String run = "model = test-model\nargs.output-dir = \"runs/sms-{timestamp}\"\n";
        String first = parser.parse(com.typesafe.config.ConfigFactory.parseString(run), java.nio.file.Path.of("/base")).args().outputDir();
        String second = parser.parse(com.typesafe.config.ConfigFactory.parseString(run), java.nio.file.Path.of("/base")).args().outputDir();

        assertThat(first).matches("runs/sms-\\d{8}-\\d{6}-\\d{3}-" + ProcessHandle.current().pid());
        assertThat(second).isNotEqualTo(first);
    }
}

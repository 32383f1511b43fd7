package dev.trainer4j.loop;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One run at a time writes into an output dir; the lock of a killed run is taken over. */
final class OutputDirLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondWriterInThisProcessIsRefusedUntilTheFirstReleases() {
        try (OutputDirLock first = OutputDirLock.acquire(dir)) {
            assertThatThrownBy(() -> OutputDirLock.acquire(dir))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("output-dir '" + dir + "' is in use by another run (pid "
                            + ProcessHandle.current().pid() + " since ");
        }
        OutputDirLock.acquire(dir).close();
    }

    @Test
    void aTrainerCannotTrainIntoAnOutputDirAnotherRunHolds() {
        TrainerSpec spec = TrainerSpec.builder().args(LoopFixtures.args(dir).build()).model(new FakeModel(2))
                .trainDataset(FakeData.regression(4, 2, 1)).build();
        try (OutputDirLock held = OutputDirLock.acquire(dir); Trainer trainer = new DefaultTrainer(spec, new FakeBackend())) {
            assertThatThrownBy(trainer::train).isInstanceOf(ConfigurationException.class).hasMessageContaining("is in use");
        }
        try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend())) {
            assertThat(trainer.train().globalStep()).isEqualTo(4);
        }
    }

    @Test
    @Timeout(60)
    void anotherProcessIsNamedAndItsLockIsTakenOverOnceItIsKilled() throws IOException, InterruptedException {
        Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), dir.toString())).redirectErrorStream(true).start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(output.readLine()).isEqualTo("LOCKED");

            assertThatThrownBy(() -> OutputDirLock.acquire(dir))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("is in use by another run (pid " + child.pid() + " since ");
        }
        finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        OutputDirLock.acquire(dir).close();
    }

    /** Holds the lock of the folder given as its argument until it is killed. */
    public static final class LockHolder {
        public static void main(String[] arguments) throws InterruptedException {
            OutputDirLock lock = OutputDirLock.acquire(Path.of(arguments[0]));
            System.out.println("LOCKED");
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
            lock.close();
        }
    }
}

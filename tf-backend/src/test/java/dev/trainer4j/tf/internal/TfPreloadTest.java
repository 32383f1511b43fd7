package dev.trainer4j.tf.internal;

import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.TfDevices;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TfPreloadTest {

    @Test
    void theDefaultPlanFindsTheDevicesThePreloadListed() throws InterruptedException {
        TfPreload.start();
        TfPreload.start(); // a second start starts nothing
        assertThat(Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("trainer4j-tensorflow-preload"))).hasSizeLessThanOrEqualTo(1);

        TfDevicePlan plan = TfDevicePlan.resolve(TrainingArguments.builder().build(), TfDevices.DEFAULT);

        // the one-CPU session of the default plan, listed once (by the preload or here) and remembered
        ConfigProto oneCpu = ConfigProto.newBuilder().putDeviceCount("CPU", 1).setAllowSoftPlacement(false).build();
        List<String> listed = TfDevicePlan.listDevices(oneCpu);
        assertThat(listed).contains("/job:localhost/replica:0/task:0/device:CPU:0");
        assertThat(plan.available()).isEqualTo(listed);
        assertThat(TfDevicePlan.listDevices(oneCpu)).isSameAs(listed);
    }
}

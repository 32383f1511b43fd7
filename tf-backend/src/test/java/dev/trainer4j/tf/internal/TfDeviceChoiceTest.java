package dev.trainer4j.tf.internal;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DeviceSelection;
import dev.trainer4j.tf.TfDevices;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which devices a run takes from the devices a session lists, without a GPU: the lists are what TensorFlow lists on a
 * host with GPUs, on the gpu build without a usable CUDA, and on the CPU build.
 */
class TfDeviceChoiceTest {
    private static final String LOCAL = "/job:localhost/replica:0/task:0";
    private static final List<String> CPU_ONLY = List.of(LOCAL + "/device:CPU:0");
    private static final List<String> TWO_GPUS = List.of(LOCAL + "/device:CPU:0", LOCAL + "/device:GPU:0",
            LOCAL + "/device:GPU:1");
    private static final DeviceSelection AUTO = DeviceSelection.parse("devices", "auto");

    @Test
    void theGpuBuildWithoutUsableCudaRunsOnTheCpuAndItsLineSaysWhy() {
        TfDevicePlan.Choice one = TfDevicePlan.choose(AUTO, false, CPU_ONLY, true, 2);
        assertThat(one.gpus()).isFalse();
        assertThat(one.devices()).isEqualTo(TfDevices.DEFAULT);
        assertThat(one.description()).isEqualTo("one CPU device (no usable CUDA GPU was found (the gpu build's natives"
                + " are loaded, but TensorFlow created no GPU device: CUDA 12.5 / cuDNN 9 libraries must be on the"
                + " library path), so the run is on the CPU)");
        assertThat(one.description().lines()).hasSize(1);

        TfDevicePlan.Choice two = TfDevicePlan.choose(DeviceSelection.ofCount(2), false, CPU_ONLY, true, 2);
        assertThat(two.devices().devices()).containsExactly("/device:CPU:0", "/device:CPU:1");
        assertThat(two.cpuDevices()).isEqualTo(2);
        assertThat(two.description()).startsWith("2 logical CPU devices [/device:CPU:0, /device:CPU:1] (no usable CUDA"
                + " GPU was found").endsWith("; ConfigProto device_count CPU = 2; they share the host's 2 cores)");
    }

    @Test
    void theCpuBuildAndUseCpuSayWhyTheRunIsOnTheCpu() {
        assertThat(TfDevicePlan.choose(AUTO, false, CPU_ONLY, false, 2).description())
                .isEqualTo("one CPU device (the CPU build of TensorFlow)");
        TfDevicePlan.Choice hidden = TfDevicePlan.choose(AUTO, true, CPU_ONLY, true, 2);
        assertThat(hidden.gpus()).isFalse();
        assertThat(hidden.description()).isEqualTo("one CPU device (use-cpu = true)");
    }

    @Test
    void listedGpusAreTakenFirstNOrAllForAuto() {
        TfDevicePlan.Choice all = TfDevicePlan.choose(AUTO, false, TWO_GPUS, true, 2);
        assertThat(all.gpus()).isTrue();
        assertThat(all.devices().devices()).containsExactly("/device:GPU:0", "/device:GPU:1");
        assertThat(all.description()).isEqualTo("2 GPU(s) [/device:GPU:0, /device:GPU:1] of 2");
        assertThat(TfDevicePlan.choose(DeviceSelection.ofCount(1), false, TWO_GPUS, true, 2).devices().devices())
                .containsExactly("/device:GPU:0");
        assertThatThrownBy(() -> TfDevicePlan.choose(DeviceSelection.ofCount(3), false, TWO_GPUS, true, 2))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("devices = 3 but this host has 2 GPU(s)");
    }
}

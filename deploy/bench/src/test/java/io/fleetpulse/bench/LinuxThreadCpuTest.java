package io.fleetpulse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LinuxThreadCpuTest {

  @Test
  void readsThisProcessesThreadsWithTheirNamesAndTime() {
    Map<Integer, LinuxThreadCpu.ThreadTime> threads = LinuxThreadCpu.threads("self");

    assertThat(threads).isNotEmpty();
    assertThat(threads.values()).allSatisfy(thread -> assertThat(thread.seconds()).isNotNegative());
    assertThat(threads.values()).anySatisfy(thread -> assertThat(thread.name()).isNotBlank());
  }

  @Test
  void addsUpAPoolsThreadsAndCountsOnlyWhatWasUsedInBetween() {
    Map<Integer, LinuxThreadCpu.ThreadTime> before = Map.of(
        1, new LinuxThreadCpu.ThreadTime("GC Thread#0", 2.0),
        2, new LinuxThreadCpu.ThreadTime("GC Thread#1", 1.0),
        3, new LinuxThreadCpu.ThreadTime("vert.x-eventloo", 5.0));
    Map<Integer, LinuxThreadCpu.ThreadTime> after = Map.of(
        1, new LinuxThreadCpu.ThreadTime("GC Thread#0", 2.5),
        2, new LinuxThreadCpu.ThreadTime("GC Thread#1", 1.25),
        3, new LinuxThreadCpu.ThreadTime("vert.x-eventloo", 5.0),
        4, new LinuxThreadCpu.ThreadTime("C2 CompilerThre", 0.75)); // started in between: all of its time

    assertThat(LinuxThreadCpu.byKindBetween(before, after))
        .containsEntry("GC Thread#N", 0.75)
        .containsEntry("vert.x-eventloo", 0.0)
        .containsEntry("C2 CompilerThre", 0.75);
  }

  @Test
  void namesKindsOfThreadAsTheKernelCutsThem() {
    assertThat(LinuxThreadCpu.kind("GC Thread#3")).isEqualTo("GC Thread#N");
    assertThat(LinuxThreadCpu.kind("C2 CompilerThre")).isEqualTo("C2 CompilerThre");
    assertThat(LinuxThreadCpu.kind("fleetpulse-8ad3")).isEqualTo("fleetpulse-*");
    assertThat(LinuxThreadCpu.kind("data-plane-kafk")).isEqualTo("data-plane-kafk");
    assertThat(LinuxThreadCpu.kind("vert.x-eventloo")).isEqualTo("vert.x-eventloo");
  }
}

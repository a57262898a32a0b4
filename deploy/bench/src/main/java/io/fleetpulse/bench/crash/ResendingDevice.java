package io.fleetpulse.bench.crash;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A device pushing its journal as {@code systemd-journal-upload} would: one push at a time, each re-sent
 * unchanged until the collector answers 202, whatever happens in between (connection refused while
 * fleetpulse restarts, reset mid-request, 503). Every entry is an unclean restart of the container engine,
 * so each one must become exactly one UNIT_RESTART event, and the device one CRASHLOOP alert.
 */
final class ResendingDevice implements Runnable {

  static final String SEQNUM_ID = "c0ffee00c0ffee00c0ffee00c0ffee00";
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String uuid;
  private final int pushes;
  private final int entriesPerPush;
  private final long baseMillis;
  private final int[] collectorPorts;
  private final Duration pace;
  private final AtomicInteger acknowledgedPushes = new AtomicInteger();
  private final AtomicLong resends = new AtomicLong();
  private volatile String refused;

  /**
   * @param collectorPorts the collectors behind the device's load balancer: each attempt goes to the next one, so a
   *     re-send reaches another replica than the push it repeats
   * @param pace the pause after each acknowledged push: a steady load rather than a burst that ends before the first kill
   */
  ResendingDevice(String uuid, int pushes, int entriesPerPush, long baseMillis, int[] collectorPorts, Duration pace) {
    this.uuid = uuid;
    this.pushes = pushes;
    this.entriesPerPush = entriesPerPush;
    this.baseMillis = baseMillis;
    this.collectorPorts = collectorPorts.clone();
    this.pace = pace;
  }

  String uuid() {
    return uuid;
  }

  int entries() {
    return pushes * entriesPerPush;
  }

  int acknowledgedPushes() {
    return acknowledgedPushes.get();
  }

  long resends() {
    return resends.get();
  }

  /** A 4xx other than 429: the collector refused a valid push, which the run reports as a failure. */
  String refused() {
    return refused;
  }

  boolean done() {
    return acknowledgedPushes.get() == pushes || refused != null;
  }

  @Override
  public void run() {
    long attempts = 0;
    try {
      for (int push = 0; push < pushes && refused == null; push++) {
        byte[] body = body(push);
        while (true) {
          int port = collectorPorts[(int) (attempts++ % collectorPorts.length)];
          HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fleets/crash/devices/" + uuid + "/entries"))
              .header("Content-Type", "application/x-ndjson").timeout(Duration.ofSeconds(15))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
          try {
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 202) {
              acknowledgedPushes.incrementAndGet();
              Thread.sleep(pace.toMillis());
              break;
            }
            if (answer.statusCode() / 100 == 4 && answer.statusCode() != 429) {
              refused = "push " + push + " answered " + answer.statusCode() + ": " + answer.body();
              return;
            }
          } catch (IOException interrupted) {
            // Connection refused or reset while fleetpulse is down or dying: re-send, as devices do.
          }
          resends.incrementAndGet();
          Thread.sleep(200);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * journalctl -o json lines of push {@code push}: the engine killed by SIGKILL, a tenth of a second apart
   * from the start of the run, so the device's clock stays near the wall clock as a live device's does
   * (old lines would be judged as a backfill, their alerts resolved by the wall clock meanwhile).
   */
  private byte[] body(int push) {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < entriesPerPush; i++) {
      long seq = (long) push * entriesPerPush + i + 1;
      lines.append("""
          {"__REALTIME_TIMESTAMP":"%d","__MONOTONIC_TIMESTAMP":"%d","__SEQNUM":"%d","__SEQNUM_ID":"%s",\
          "_BOOT_ID":"6ce386d4e891e05cda4946fa3e7b2438","PRIORITY":"6","_TRANSPORT":"journal","SYSLOG_IDENTIFIER":"systemd",\
          "_PID":"1","_SYSTEMD_UNIT":"init.scope","UNIT":"balena.service",\
          "MESSAGE":"balena.service: Main process exited, code=killed, status=9/KILL"}
          """.formatted(baseMillis * 1_000 + seq * 100_000, 60_000_000L + seq * 100_000, seq, SEQNUM_ID));
    }
    return lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** When the first entry happened: a little before the run starts. */
  static long baseMillis() {
    return Instant.now().minusSeconds(10).toEpochMilli();
  }
}

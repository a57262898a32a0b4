package io.fleetpulse.collector.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.kafka.TopicReader;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cellular links leave connections half-open: over real sockets, a push whose body stalls, headers that
 * stop half-way, 2,000 slowloris connections and a trickling push must neither block the device's next
 * push nor stay open, and nothing of what was not read is committed.
 */
@ExtendWith(SharedKafkaBroker.class)
class HostileConnectionsTest {

  private static final ConnectionLimits SHORT = new ConnectionLimits(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(4), 0, 0, 0);
  private static TestCollector collector;

  @BeforeAll
  static void start(EmbeddedKafkaBroker kafka) throws Exception {
    TestCollector.provisionTopics(kafka);
    collector = new TestCollector(PublisherSettings.of(kafka.bootstrapServers()),
        new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT).withConnections(SHORT));
  }

  @AfterAll
  static void stop() {
    collector.close();
  }

  @Test
  void aStalledBodyIsAnswered408AndNeitherBlocksTheDeviceNorCommitsAnything(EmbeddedKafkaBroker kafka) throws Exception {
    String uuid = "b5000000000000000000000000000001";
    String stalledLine = line(1, "stalled");
    try (Socket stalled = connect()) {
      // Says 10,000 bytes, sends one complete line and a half, then nothing more.
      send(stalled, "POST /devices/" + uuid + "/entries HTTP/1.1\r\nHost: collector\r\nContent-Type: application/x-ndjson\r\n"
          + "Content-Length: 10000\r\n\r\n" + stalledLine + "{\"__SEQNUM\":\"2\",");
      HttpResponse<String> next = collector.post("/devices/" + uuid + "/entries", "application/x-ndjson",
          line(3, "next").getBytes(StandardCharsets.UTF_8));
      assertThat(next.statusCode()).as("the device's next push is served once the stalled one timed out").isEqualTo(202);
      String answer = readUntilClosed(stalled);
      assertThat(answer).startsWith("HTTP/1.1 408").contains("no body bytes for 2 s");
    }
    try (TopicReader<JournalEntry> reader = new TopicReader<>(kafka, FleetSerdes.journalEntry().deserializer(), Topics.journalTopics())) {
      List<ConsumerRecord<String, JournalEntry>> mine = JournalUploadTest.ofDevice(reader.drain(Duration.ofSeconds(2)), uuid);
      assertThat(mine).extracting(record -> record.value().getMessage()).containsExactly("next");
    }
  }

  @Test
  void halfSentHeadersAreClosedAfterTheIdleTimeout() throws Exception {
    try (Socket half = connect()) {
      send(half, "POST /devices/b5000000000000000000000000000002/entries HTTP/1.1\r\nHost: coll");
      assertThat(readUntilClosed(half)).isEmpty();
    }
  }

  /**
   * A header byte a second, the slowloris way: the connection is still cut at the 3 s idle timeout, because Vert.x
   * counts a connection idle until a whole HTTP message (here: the headers) is decoded, not until a byte arrives.
   */
  @Test
  void tricklingHeadersAreCutAtTheIdleTimeout() throws Exception {
    try (Socket trickle = connect()) {
      send(trickle, "POST /devices/b5000000000000000000000000000006/entries HTTP/1.1\r\nX-Slow: ");
      assertThat(trickleUntilClosed(trickle, 15)).as("header bytes sent before the collector closed the connection").isLessThan(8);
      assertThat(closedByPeer(trickle)).isTrue();
    }
  }

  /** The same for the next request of a keep-alive connection whose first one was answered. */
  @Test
  void aKeepAliveConnectionTricklingItsNextRequestIsCut() throws Exception {
    String uuid = "b5000000000000000000000000000007";
    try (Socket keepAlive = connect()) {
      String body = line(1, "first");
      send(keepAlive, "POST /devices/" + uuid + "/entries HTTP/1.1\r\nHost: collector\r\nContent-Type: application/x-ndjson\r\n"
          + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
      assertThat(readWithin(keepAlive, Duration.ofSeconds(10))).startsWith("HTTP/1.1 202");
      send(keepAlive, "POST /devices/" + uuid + "/entries HTTP/1.1\r\nX-Slow: ");
      assertThat(trickleUntilClosed(keepAlive, 20)).as("header bytes of the second request sent before the connection was closed").isLessThan(10);
    }
  }

  @Test
  void twoThousandSlowlorisConnectionsAreAllClosedAndPushesGoOnMeanwhile() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 2_000; i++) {
        Socket socket = connect();
        send(socket, "POST /devices/b5000000000000000000000000000003/entries HTTP/1.1\r\nX-Slow: ");
        slow.add(socket);
      }
      HttpResponse<String> meanwhile = collector.post("/devices/b5000000000000000000000000000004/entries", "application/x-ndjson",
          line(1, "meanwhile").getBytes(StandardCharsets.UTF_8));
      assertThat(meanwhile.statusCode()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(30)).until(() -> slow.stream().allMatch(HostileConnectionsTest::closedByPeer));
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  @Test
  void aTricklingPushIsCutAtTheDeadline() throws Exception {
    String uuid = "b5000000000000000000000000000005";
    try (Socket trickle = connect()) {
      send(trickle, "POST /devices/" + uuid + "/entries HTTP/1.1\r\nHost: collector\r\nContent-Type: application/x-ndjson\r\n"
          + "Content-Length: 100000\r\n\r\n");
      // One byte a second: never idle for the 2 s body timeout, but past the 4 s deadline.
      String answer = null;
      for (int i = 0; i < 20 && answer == null; i++) {
        try {
          send(trickle, " ");
        } catch (IOException closed) {
          break;
        }
        answer = readWithin(trickle, Duration.ofSeconds(1));
      }
      assertThat(answer == null ? readUntilClosed(trickle) : answer).startsWith("HTTP/1.1 408").contains("longer than 4 s");
    }
  }

  @Test
  void anAddressOverItsConnectionCapIsClosedAtOnce(EmbeddedKafkaBroker kafka) throws Exception {
    try (TestCollector capped = new TestCollector(PublisherSettings.of(kafka.bootstrapServers()),
        new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT).withConnections(
            new ConnectionLimits(Duration.ofSeconds(40), Duration.ofSeconds(30), Duration.ofMinutes(1), 0, 3, 0)))) {
      List<Socket> held = new ArrayList<>();
      try {
        // A connection counts once its first request head is in (before that Vert.x is still telling HTTP/1.1
        // from h2c): three pushes stalled in their bodies, then a fourth.
        String stalledPush = "POST /devices/b5000000000000000000000000000006/entries HTTP/1.1\r\nHost: c\r\n"
            + "Content-Type: application/x-ndjson\r\nContent-Length: 100\r\n\r\n{";
        for (int i = 0; i < 3; i++) {
          Socket socket = new Socket("127.0.0.1", capped.server.port());
          send(socket, stalledPush);
          held.add(socket);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> capped.server.connectionsFrom("127.0.0.1") == 3);
        try (Socket fourth = new Socket("127.0.0.1", capped.server.port())) {
          send(fourth, stalledPush);
          assertThat(readUntilClosed(fourth)).doesNotContain("202");
        }
        assertThat(held).noneMatch(HostileConnectionsTest::closedByPeer);
      } finally {
        for (Socket socket : held) {
          socket.close();
        }
      }
    }
  }

  /**
   * A surge of connections beyond what the collector may hold (its cap, derived from the descriptor limit by
   * default) is refused connection by connection; the process stays up, and the connections it took are
   * served. Here the cap is 20 and 60 clients come at once.
   */
  @Test
  void connectionsBeyondTheCollectorsCapAreRefusedAndTheOnesItTookAreServed(EmbeddedKafkaBroker kafka) throws Exception {
    assertThat(ConnectionLimits.affordableConnections()).as("derived from this process's descriptor limit")
        .isBetween(64, (int) Math.max(64, ConnectionLimits.descriptorLimit() - ConnectionLimits.RESERVED_DESCRIPTORS));
    try (TestCollector capped = new TestCollector(PublisherSettings.of(kafka.bootstrapServers()),
        new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT).withConnections(
            new ConnectionLimits(Duration.ofSeconds(40), Duration.ofSeconds(30), Duration.ofMinutes(1), 20, 0, 0)))) {
      List<Socket> surge = new ArrayList<>();
      try {
        String body = line(1, "surge");
        for (int i = 0; i < 60; i++) {
          Socket socket = new Socket("127.0.0.1", capped.server.port());
          send(socket, "POST /devices/b50000000000000000000000000001" + String.format("%02d", i) + "/entries HTTP/1.1\r\nHost: c\r\n"
              + "Content-Type: application/x-ndjson\r\nContent-Length: " + body.length() + "\r\n\r\n");
          surge.add(socket);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> surge.stream().filter(HostileConnectionsTest::closedByPeer).count() == 40);
        List<Socket> taken = surge.stream().filter(socket -> !closedByPeer(socket)).toList();
        assertThat(taken).hasSize(20);
        for (Socket socket : taken) {
          send(socket, body);
          assertThat(readWithin(socket, Duration.ofSeconds(15))).startsWith("HTTP/1.1 202");
        }
        assertThat(capped.meters.get("fleetpulse.collector.requests.rejected").tag("reason", "connection_closed").counter().count())
            .isEqualTo(40);
      } finally {
        for (Socket socket : surge) {
          socket.close();
        }
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> capped.meters.get("fleetpulse.collector.connections").gauge().value() == 0);
      assertThat(capped.post("/devices/b5000000000000000000000000000199/entries", "application/x-ndjson",
          line(2, "after the surge").getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(202);
    }
  }

  /**
   * A client reconnecting in a tight loop (a connection per push, as fast as it can) is refused past its address's
   * burst of new connections, connection by connection, before a request is read; once it slows down to the rate,
   * it is served again.
   */
  @Test
  void anAddressReconnectingInATightLoopIsRefusedPastItsRate(EmbeddedKafkaBroker kafka) throws Exception {
    int perSecond = 2;
    try (TestCollector limited = new TestCollector(PublisherSettings.of(kafka.bootstrapServers()),
        new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT).withConnections(
            new ConnectionLimits(Duration.ofSeconds(40), Duration.ofSeconds(30), Duration.ofMinutes(1), 0, 0, perSecond)))) {
      String body = line(1, "looping");
      String push = "POST /devices/b5000000000000000000000000000300/entries HTTP/1.1\r\nHost: c\r\nConnection: close\r\n"
          + "Content-Type: application/x-ndjson\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
      int answered = 0;
      int refused = 0;
      for (int i = 0; i < 60; i++) {
        try (Socket socket = new Socket("127.0.0.1", limited.server.port())) {
          String answer;
          try {
            send(socket, push);
            answer = readUntilClosed(socket);
          } catch (IOException closedAtTheDoor) {
            answer = "";
          }
          if (answer.startsWith("HTTP/1.1 202")) {
            answered++;
          } else {
            refused++;
          }
        }
      }
      // The burst (10 s' worth) and what refilled while the loop ran; the rest closed at the door.
      assertThat(answered).isBetween(perSecond * 10, perSecond * 10 + 10);
      assertThat(refused).isEqualTo(60 - answered);
      assertThat(limited.meters.get("fleetpulse.collector.requests.rejected").tag("reason", "connection_closed").counter().count())
          .isEqualTo(refused);
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(600)).ignoreExceptions().until(() -> limited.post(
          "/devices/b5000000000000000000000000000301/entries", "application/x-ndjson", line(2, "slower").getBytes(StandardCharsets.UTF_8))
          .statusCode() == 202);
    }
  }

  private static String line(long seqnum, String message) {
    return "{\"__SEQNUM_ID\":\"5ta11\",\"__SEQNUM\":\"" + seqnum + "\",\"_SYSTEMD_UNIT\":\"NetworkManager.service\",\"MESSAGE\":\"" + message + "\"}\n";
  }

  /** Sends a header byte a second until the collector closes the connection (or {@code most} bytes went); returns how many went. */
  private static int trickleUntilClosed(Socket socket, int most) throws IOException {
    int sent = 0;
    while (sent < most) {
      try {
        send(socket, "x");
      } catch (IOException closed) {
        break;
      }
      sent++;
      if (readWithin(socket, Duration.ofSeconds(1)) == null && closedByPeer(socket)) {
        break;
      }
    }
    return sent;
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", collector.server.port());
    socket.setSoTimeout(15_000);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Everything the server sends until it closes the connection (bounded by the socket's read timeout). */
  private static String readUntilClosed(Socket socket) throws IOException {
    socket.setSoTimeout(15_000);
    return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  /** What the server sent within {@code wait}, or null if nothing. */
  private static String readWithin(Socket socket, Duration wait) throws IOException {
    socket.setSoTimeout((int) wait.toMillis());
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    try {
      int read = in.read(buffer);
      return read <= 0 ? null : new String(buffer, 0, read, StandardCharsets.UTF_8);
    } catch (SocketTimeoutException nothingYet) {
      return null;
    }
  }

  /** Whether the server closed the connection (a read sees the end of the stream, or a reset). */
  private static boolean closedByPeer(Socket socket) {
    try {
      socket.setSoTimeout(1);
      return socket.getInputStream().read() == -1;
    } catch (SocketTimeoutException open) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }
}
